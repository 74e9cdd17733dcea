//! Cases linked through the identifiers they share.
//!
//! Every identifier a case names (a number that called, an account that was paid, a link, an
//! app) is a posting on that identifier's slot. Postings are nodes in one array, in the order
//! cases arrived, so a case's own identifiers are one run of it; each slot chains its nodes
//! from the newest. Cases that share a slot are one cluster, kept
//! with union-find, so a number in 10,000 cases costs 10,000 postings and never the 50 M pairs
//! that pairwise correlation stores. Each cluster's members also form a circular list, so a
//! cluster is walked without scanning every case.
//!
//! A link is undone in two ways: a cut detaches one case from one identifier (the victim
//! misremembered a number), and a never-link mark stops an identifier from linking anything
//! (an official hotline, the victim's own bank). Union-find cannot unmerge, so the cluster
//! involved is rebuilt from its members' remaining postings: it splits exactly as the evidence
//! left says.

use fraudwall_lists::entry::Kind;
use hashbrown::{HashMap, HashSet};

use crate::index::SlotIndex;
use crate::key::LinkKey;

/// A case's dense index inside a [`Linker`], in the order cases were added.
pub type CaseIx = u32;

/// How a case names an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// It contacted the victim: a call, an SMS, a chat, a link, an app.
    Contact = 0,
    /// The victim paid into it.
    Payment = 1,
}

/// One identifier as a case names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub key: LinkKey,
    pub kind: Kind,
    /// The identifier's compact key (`Identifier::key`), for leads that look it up elsewhere.
    pub ident: u64,
    /// When, in unix seconds, if the victim knows.
    pub at: Option<i64>,
    pub role: Role,
}

/// What a cluster summary adds up for a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseInput<'a> {
    /// The case's id in the store.
    pub external: u64,
    /// The victim's phone key, so that one victim's several reports count once.
    pub victim: u64,
    pub loss_cents: i64,
    /// Unix seconds.
    pub reported_at: i64,
    pub territory: &'a str,
    pub fraud_type: &'a str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    pub external: u64,
    pub victim: u64,
    pub loss_cents: i64,
    pub reported_minute: u32,
    pub territory: u32,
    pub fraud_type: u32,
}

/// A case on an identifier's slot: the case, and when (minutes since the epoch, 0 when
/// unknown) and how (the low two bits) it met the identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub case: CaseIx,
    packed: u32,
}

impl Posting {
    fn new(case: CaseIx, at: Option<i64>, role: Role) -> Posting {
        let minute = at.map_or(0, minute_of);
        Posting {
            case,
            packed: minute << 2 | role as u32,
        }
    }

    /// Minutes since the epoch, 0 when unknown.
    pub fn minute(self) -> u32 {
        self.packed >> 2
    }

    /// Unix seconds, when known.
    pub fn at(self) -> Option<i64> {
        let minute = self.minute();
        (minute != 0).then_some(i64::from(minute) * 60)
    }

    pub fn role(self) -> Role {
        if self.packed & 3 == Role::Payment as u32 {
            Role::Payment
        } else {
            Role::Contact
        }
    }

    /// The earlier meeting, and a payment over a contact at the same minute.
    fn merge(self, other: Posting) -> Posting {
        let minute = match (self.minute(), other.minute()) {
            (0, m) | (m, 0) => m,
            (a, b) => a.min(b),
        };
        let role = if self.role() == Role::Payment || other.role() == Role::Payment {
            Role::Payment
        } else {
            Role::Contact
        };
        Posting {
            case: self.case,
            packed: minute << 2 | role as u32,
        }
    }
}

const MAX_MINUTE: u32 = (1 << 30) - 1;

/// Unix seconds as whole minutes since the epoch, as postings and case facts keep them.
fn minute_of(seconds: i64) -> u32 {
    (seconds.max(0) / 60).min(i64::from(MAX_MINUTE)) as u32
}
const NONE: u32 = u32::MAX;
const NEVER_LINK: u8 = 0x80;

/// An identifier: its key, its newest posting, and one case that names it and links through
/// it (any will do: they are all one cluster), read together when a case links.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: LinkKey,
    head: u32,
    anchor: CaseIx,
}

/// One posting: the identifier's slot, when and how (a [`Posting`]'s packed word), and the
/// slot's next older posting. The case is where the node sits: nodes come in runs, one per
/// case, so 12 bytes carry an occurrence.
#[derive(Debug, Clone, Copy)]
struct Node {
    slot: u32,
    packed: u32,
    next: u32,
}

/// Why a link could not be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("no case {0}")]
    UnknownCase(u64),
    #[error("case {0} is already linked")]
    DuplicateCase(u64),
    #[error("case {given} comes after case {last}: cases are linked in the order of their ids")]
    OutOfOrder { given: u64, last: u64 },
    #[error("the case does not name this identifier")]
    NotNamed,
    #[error("this link is already cut")]
    AlreadyCut,
    #[error("this link is not cut")]
    NotCut,
}

impl LinkError {
    pub fn code(&self) -> &'static str {
        match self {
            LinkError::UnknownCase(_) => "case_not_found",
            LinkError::DuplicateCase(_) => "case_exists",
            LinkError::OutOfOrder { .. } => "case_out_of_order",
            LinkError::NotNamed => "link_not_found",
            LinkError::AlreadyCut => "link_already_cut",
            LinkError::NotCut => "link_not_cut",
        }
    }
}

/// Postings, clusters and cuts over every case. Pure and single-threaded: the caller owns it
/// behind whatever lock or actor it likes.
#[derive(Default)]
pub struct Linker {
    index: SlotIndex,
    slots: Vec<Slot>,
    /// Per slot: the kind's index in `Kind::ALL`, and `NEVER_LINK`.
    slot_meta: Vec<u8>,
    /// The compact keys of slots whose link key is not the plain key of their identifier
    /// (a recycled number's holder period).
    idents: HashMap<u32, u64>,
    nodes: Vec<Node>,
    /// Per case, its run of nodes.
    runs: Vec<(u32, u32)>,
    /// Nodes a case gained after it was added (an edited timeline), and their cases.
    extra: HashMap<CaseIx, Vec<u32>>,
    extra_case: HashMap<u32, CaseIx>,
    /// Nodes taken off their slot's chain by a cut.
    cut: HashSet<u32>,
    facts: Vec<Facts>,
    parent: Vec<CaseIx>,
    size: Vec<u32>,
    /// Each cluster's members as a circular list.
    next: Vec<CaseIx>,
    labels: Vec<String>,
    label_of: HashMap<String, u32>,
}

impl std::fmt::Debug for Linker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Linker")
            .field("cases", &self.facts.len())
            .field("identifiers", &self.slots.len())
            .field("cuts", &self.cut.len())
            .finish()
    }
}

impl Linker {
    pub fn new() -> Linker {
        Linker::default()
    }

    /// Room for `cases` cases naming `identifiers` distinct identifiers `occurrences` times in
    /// all, so that a relink from scratch does not grow its tables step by step (a growing
    /// table briefly holds its old and new copies).
    pub fn with_capacity(cases: usize, occurrences: usize, identifiers: usize) -> Linker {
        Linker {
            index: SlotIndex::with_capacity(identifiers),
            slots: Vec::with_capacity(identifiers),
            slot_meta: Vec::with_capacity(identifiers),
            nodes: Vec::with_capacity(occurrences),
            runs: Vec::with_capacity(cases),
            facts: Vec::with_capacity(cases),
            parent: Vec::with_capacity(cases),
            size: Vec::with_capacity(cases),
            next: Vec::with_capacity(cases),
            ..Linker::default()
        }
    }

    pub fn cases(&self) -> usize {
        self.facts.len()
    }

    pub fn identifiers(&self) -> usize {
        self.slots.len()
    }

    /// The dense index of the case with store id `external`.
    pub fn case(&self, external: u64) -> Option<CaseIx> {
        self.facts
            .binary_search_by_key(&external, |f| f.external)
            .ok()
            .map(|i| i as CaseIx)
    }

    /// The store id of case `case`.
    pub fn external(&self, case: CaseIx) -> u64 {
        self.facts[case as usize].external
    }

    /// Adds a case and links it to every case that names one of its identifiers, unless the
    /// identifier never links. Cases come in the order of their store ids, so that an id is
    /// found by bisection instead of a map as large as the cases.
    pub fn add_case(
        &mut self,
        input: &CaseInput<'_>,
        occurrences: &[Occurrence],
    ) -> Result<CaseIx, LinkError> {
        if let Some(last) = self.facts.last()
            && input.external <= last.external
        {
            return Err(if self.case(input.external).is_some() {
                LinkError::DuplicateCase(input.external)
            } else {
                LinkError::OutOfOrder {
                    given: input.external,
                    last: last.external,
                }
            });
        }
        let case = self.facts.len() as CaseIx;
        let facts = Facts {
            external: input.external,
            victim: input.victim,
            loss_cents: input.loss_cents,
            reported_minute: minute_of(input.reported_at),
            territory: self.label(input.territory),
            fraud_type: self.label(input.fraud_type),
        };
        self.facts.push(facts);
        self.parent.push(case);
        self.size.push(1);
        self.next.push(case);
        // every key's home first, then the slots they hold, so that the cache misses of a
        // case's identifiers overlap instead of queueing one behind another
        let mut homes = [0u32; 32];
        for (home, occurrence) in homes.iter_mut().zip(occurrences) {
            *home = self.index.touch(occurrence.key.0);
        }
        let mut touched = 0u64;
        for &home in homes.iter().take(occurrences.len()) {
            if let Some(slot) = home.checked_sub(1) {
                touched ^= self.slots[slot as usize].key.0;
            }
        }
        std::hint::black_box(touched);
        let mut touched = 0u32;
        let start = self.nodes.len() as u32;
        let mut slots = [0u32; 32];
        let mut resolved = 0;
        for occurrence in occurrences {
            let slot = self.intern(occurrence);
            if resolved < slots.len() {
                slots[resolved] = slot;
                resolved += 1;
            }
        }
        // the anchors' parents next, for the same reason
        for &slot in &slots[..resolved] {
            let anchor = self.slots[slot as usize].anchor;
            if anchor != NONE {
                touched ^= self.parent[anchor as usize];
            }
        }
        std::hint::black_box(touched);
        for (i, occurrence) in occurrences.iter().enumerate() {
            let slot = match slots.get(i) {
                Some(&slot) if i < resolved => slot,
                _ => self.intern(occurrence),
            };
            let posting = Posting::new(case, occurrence.at, occurrence.role);
            let earlier =
                (start..self.nodes.len() as u32).find(|&n| self.nodes[n as usize].slot == slot);
            self.post(case, slot, posting, earlier);
        }
        self.runs.push((start, self.nodes.len() as u32));
        Ok(case)
    }

    /// Adds identifiers to a case already linked (an edited timeline).
    pub fn add_occurrences(
        &mut self,
        case: CaseIx,
        occurrences: &[Occurrence],
    ) -> Result<(), LinkError> {
        if case as usize >= self.facts.len() {
            return Err(LinkError::UnknownCase(u64::from(case)));
        }
        for occurrence in occurrences {
            let slot = self.intern(occurrence);
            let posting = Posting::new(case, occurrence.at, occurrence.role);
            let earlier = self
                .nodes_of(case)
                .find(|&n| self.nodes[n as usize].slot == slot);
            if let Some(node) = self.post(case, slot, posting, earlier) {
                self.extra.entry(case).or_default().push(node);
                self.extra_case.insert(node, case);
            }
        }
        Ok(())
    }

    /// Posts a case on a slot: into `earlier`, the case's node on it already, when there is
    /// one (the first time and a payment win), else as a new linked node, which it returns.
    fn post(
        &mut self,
        case: CaseIx,
        slot: u32,
        posting: Posting,
        earlier: Option<u32>,
    ) -> Option<u32> {
        if let Some(earlier) = earlier {
            let node = &mut self.nodes[earlier as usize];
            node.packed = Posting {
                case,
                packed: node.packed,
            }
            .merge(posting)
            .packed;
            return None;
        }
        let node = self.nodes.len() as u32;
        self.nodes.push(Node {
            slot,
            packed: posting.packed,
            next: NONE,
        });
        self.link_node(node, case);
        Some(node)
    }

    fn slot_of(&self, key: LinkKey) -> Option<u32> {
        let slots = &self.slots;
        self.index.find(key.0, |s| slots[s as usize].key.0)
    }

    fn intern(&mut self, occurrence: &Occurrence) -> u32 {
        let key = occurrence.key;
        if let Some(slot) = self.slot_of(key) {
            return slot;
        }
        let slot = self.slots.len() as u32;
        self.slots.push(Slot {
            key,
            head: NONE,
            anchor: NONE,
        });
        self.slot_meta.push(kind_index(occurrence.kind));
        if LinkKey::new(occurrence.kind, occurrence.ident) != key {
            self.idents.insert(slot, occurrence.ident);
        }
        let slots = &self.slots;
        self.index.insert(key.0, slot, |s| slots[s as usize].key.0);
        slot
    }

    /// Puts a node of `case` at the head of its slot's chain and links the case to the slot's
    /// cases.
    fn link_node(&mut self, node: u32, case: CaseIx) {
        let slot = self.nodes[node as usize].slot;
        let entry = self.slots[slot as usize];
        self.nodes[node as usize].next = entry.head;
        self.slots[slot as usize].head = node;
        if entry.anchor == NONE {
            self.slots[slot as usize].anchor = case;
        } else if self.slot_meta[slot as usize] & NEVER_LINK == 0 {
            self.union(case, entry.anchor);
        }
    }

    /// The case a node belongs to.
    fn case_of(&self, node: u32) -> CaseIx {
        if let Some(&case) = self.extra_case.get(&node) {
            return case;
        }
        (self.runs.partition_point(|run| run.0 <= node) - 1) as CaseIx
    }

    fn posting(&self, node: u32) -> Posting {
        Posting {
            case: self.case_of(node),
            packed: self.nodes[node as usize].packed,
        }
    }

    /// Takes a node of `case` off its slot's chain.
    fn unlink_node(&mut self, node: u32, case: CaseIx) {
        let Node { slot, next, .. } = self.nodes[node as usize];
        let entry = self.slots[slot as usize];
        if entry.head == node {
            self.slots[slot as usize].head = next;
        } else {
            let mut at = entry.head;
            while at != NONE {
                let following = self.nodes[at as usize].next;
                if following == node {
                    self.nodes[at as usize].next = next;
                    break;
                }
                at = following;
            }
        }
        self.nodes[node as usize].next = NONE;
        if entry.anchor == case {
            let head = self.slots[slot as usize].head;
            self.slots[slot as usize].anchor = if head == NONE {
                NONE
            } else {
                self.case_of(head)
            };
        }
    }

    fn label(&mut self, label: &str) -> u32 {
        if let Some(&id) = self.label_of.get(label) {
            return id;
        }
        let id = self.labels.len() as u32;
        self.labels.push(label.to_owned());
        self.label_of.insert(label.to_owned(), id);
        id
    }

    pub(crate) fn label_text(&self, id: u32) -> &str {
        &self.labels[id as usize]
    }

    pub(crate) fn facts(&self, case: CaseIx) -> &Facts {
        &self.facts[case as usize]
    }

    fn find(&mut self, mut x: CaseIx) -> CaseIx {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    fn union(&mut self, a: CaseIx, b: CaseIx) {
        let (mut a, mut b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        if self.size[a as usize] < self.size[b as usize] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b as usize] = a;
        self.size[a as usize] += self.size[b as usize];
        // splicing two circular lists is one swap of their successors
        self.next.swap(a as usize, b as usize);
    }

    /// The cluster a case belongs to, named by one of its members; stable until the next
    /// change.
    pub fn cluster(&self, case: CaseIx) -> CaseIx {
        let mut x = case;
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    /// How many cases the case's cluster holds.
    pub fn cluster_size(&self, case: CaseIx) -> u32 {
        self.size[self.cluster(case) as usize]
    }

    /// Every case of the case's cluster, the case first.
    pub fn members(&self, case: CaseIx) -> Members<'_> {
        Members {
            next: &self.next,
            start: case,
            at: Some(case),
        }
    }

    /// A case's nodes, cut or not.
    fn nodes_of(&self, case: CaseIx) -> impl Iterator<Item = u32> + '_ {
        let (start, end) = self.runs[case as usize];
        let extra = self.extra.get(&case).map(Vec::as_slice).unwrap_or(&[]);
        (start..end).chain(extra.iter().copied())
    }

    fn never_links(&self, slot: u32) -> bool {
        self.slot_meta[slot as usize] & NEVER_LINK != 0
    }

    fn kind_of(&self, slot: u32) -> Kind {
        Kind::ALL[(self.slot_meta[slot as usize] & !NEVER_LINK) as usize]
    }

    fn ident_of(&self, slot: u32) -> u64 {
        match self.idents.get(&slot) {
            Some(&ident) => ident,
            None => self.slots[slot as usize]
                .key
                .plain_ident(self.kind_of(slot)),
        }
    }

    /// The postings on an identifier: the cases that name it and do not have it cut, newest
    /// first.
    pub fn postings(&self, key: LinkKey) -> Vec<Posting> {
        self.slot_of(key)
            .map(|slot| self.chain(slot).map(|n| self.posting(n)).collect())
            .unwrap_or_default()
    }

    /// A slot's live nodes, newest first.
    fn chain(&self, slot: u32) -> Chain<'_> {
        Chain {
            nodes: &self.nodes,
            at: self.slots[slot as usize].head,
        }
    }

    fn slot_len(&self, slot: u32) -> usize {
        self.chain(slot).count()
    }

    /// Whether a slot has at least `n` live postings, without walking a long chain to the end.
    fn slot_has(&self, slot: u32, n: usize) -> bool {
        self.chain(slot).nth(n.saturating_sub(1)).is_some()
    }

    /// Rebuilds the cluster holding `case` from its members' remaining postings.
    fn resplit(&mut self, case: CaseIx) {
        let members: Vec<CaseIx> = self.members(case).collect();
        for &m in &members {
            self.parent[m as usize] = m;
            self.size[m as usize] = 1;
            self.next[m as usize] = m;
        }
        let mut joins = Vec::new();
        for &m in &members {
            for node in self.nodes_of(m) {
                let slot = self.nodes[node as usize].slot;
                if self.never_links(slot) || self.cut.contains(&node) {
                    continue;
                }
                let anchor = self.slots[slot as usize].anchor;
                if anchor != m && anchor != NONE {
                    joins.push((m, anchor));
                }
            }
        }
        for (a, b) in joins {
            self.union(a, b);
        }
    }

    /// The sizes of the clusters that now hold what one cluster held.
    fn parts(&self, members: &[CaseIx]) -> Vec<(CaseIx, u32)> {
        let mut roots: Vec<(CaseIx, u32)> = members
            .iter()
            .map(|&m| self.cluster(m))
            .collect::<HashSet<_>>()
            .into_iter()
            .map(|r| (r, self.size[r as usize]))
            .collect();
        roots.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        roots
    }

    /// The node by which a case names the identifier with `key`.
    fn named_node(&self, case: CaseIx, key: LinkKey) -> Result<u32, LinkError> {
        if case as usize >= self.facts.len() {
            return Err(LinkError::UnknownCase(u64::from(case)));
        }
        let slot = self.slot_of(key).ok_or(LinkError::NotNamed)?;
        self.nodes_of(case)
            .find(|&n| self.nodes[n as usize].slot == slot)
            .ok_or(LinkError::NotNamed)
    }

    /// Detaches a case from an identifier it names: the two no longer link through it. The
    /// cluster splits as the remaining postings say; returns the parts, largest first.
    pub fn cut(&mut self, case: CaseIx, key: LinkKey) -> Result<Vec<(CaseIx, u32)>, LinkError> {
        let node = self.named_node(case, key)?;
        if !self.cut.insert(node) {
            return Err(LinkError::AlreadyCut);
        }
        self.unlink_node(node, case);
        let members: Vec<CaseIx> = self.members(case).collect();
        self.resplit(case);
        Ok(self.parts(&members))
    }

    /// Undoes a cut; returns the size of the case's cluster after.
    pub fn restore(&mut self, case: CaseIx, key: LinkKey) -> Result<u32, LinkError> {
        let node = self.named_node(case, key)?;
        if !self.cut.remove(&node) {
            return Err(LinkError::NotCut);
        }
        self.link_node(node, case);
        Ok(self.cluster_size(case))
    }

    /// Stops an identifier from linking anything, now and for cases still to come: an
    /// official number, a bank's hotline, a platform everyone uses. Returns how many cases
    /// were in the cluster it held together.
    pub fn never_link(&mut self, key: LinkKey, kind: Kind, ident: u64) -> u32 {
        let slot = self.intern(&Occurrence {
            key,
            kind,
            ident,
            at: None,
            role: Role::Contact,
        });
        if self.never_links(slot) {
            return 0;
        }
        self.slot_meta[slot as usize] |= NEVER_LINK;
        let anchor = self.slots[slot as usize].anchor;
        if anchor == NONE {
            return 0;
        }
        let before = self.cluster_size(anchor);
        self.resplit(anchor);
        before
    }

    /// Lets an identifier link again.
    pub fn allow_link(&mut self, key: LinkKey) {
        let Some(slot) = self.slot_of(key) else {
            return;
        };
        if !self.never_links(slot) {
            return;
        }
        self.slot_meta[slot as usize] &= !NEVER_LINK;
        let cases: Vec<CaseIx> = self.chain(slot).map(|n| self.case_of(n)).collect();
        for pair in cases.windows(2) {
            self.union(pair[0], pair[1]);
        }
    }

    pub fn is_never_link(&self, key: LinkKey) -> bool {
        self.slot_of(key).is_some_and(|s| self.never_links(s))
    }

    fn link_of(&self, slot: u32) -> Link {
        let mut postings: Vec<Posting> = self.chain(slot).map(|n| self.posting(n)).collect();
        postings.sort_by_key(|p| (p.minute(), p.case));
        Link {
            key: self.slots[slot as usize].key,
            kind: self.kind_of(slot),
            ident: self.ident_of(slot),
            postings,
        }
    }

    /// The identifiers that hold a case's cluster together: each one named by two or more of
    /// its cases, with those cases, most cases first.
    pub fn links(&self, case: CaseIx) -> Vec<Link> {
        // every live posting of a linking slot is in this cluster, so walking the members'
        // own nodes finds them all, each with its case at hand
        let mut by_slot: HashMap<u32, Vec<Posting>> = HashMap::new();
        for m in self.members(case) {
            for node in self.nodes_of(m) {
                let slot = self.nodes[node as usize].slot;
                if self.never_links(slot) || self.cut.contains(&node) {
                    continue;
                }
                by_slot.entry(slot).or_default().push(Posting {
                    case: m,
                    packed: self.nodes[node as usize].packed,
                });
            }
        }
        let mut links: Vec<Link> = by_slot
            .into_iter()
            .filter(|(_, postings)| postings.len() >= 2)
            .map(|(slot, mut postings)| {
                postings.sort_by_key(|p| (p.minute(), p.case));
                Link {
                    key: self.slots[slot as usize].key,
                    kind: self.kind_of(slot),
                    ident: self.ident_of(slot),
                    postings,
                }
            })
            .collect();
        links.sort_by(|a, b| {
            b.postings
                .len()
                .cmp(&a.postings.len())
                .then(a.key.cmp(&b.key))
        });
        links
    }

    /// Every identifier named by at least `min_cases` cases and free to link.
    pub(crate) fn shared(&self, min_cases: usize) -> impl Iterator<Item = Link> + '_ {
        (0..self.slots.len() as u32)
            .filter(move |&s| !self.never_links(s) && self.slot_has(s, min_cases))
            .map(|s| self.link_of(s))
    }

    /// Every identifier of `kinds` named by any case and free to link, as (kind, ident, how
    /// many cases).
    pub fn named<'a>(&'a self, kinds: &'a [Kind]) -> impl Iterator<Item = (Kind, u64, usize)> + 'a {
        (0..self.slots.len() as u32)
            .filter(move |&s| {
                !self.never_links(s)
                    && self.slots[s as usize].head != NONE
                    && kinds.contains(&self.kind_of(s))
            })
            .map(move |s| (self.kind_of(s), self.ident_of(s), self.slot_len(s)))
    }

    /// The edges the clusters are the connected components of: from each identifier's anchor
    /// case to every other case naming it. A graph library given these finds the same
    /// clusters.
    pub fn union_edges(&self, out: &mut Vec<(CaseIx, CaseIx)>) {
        for (i, slot) in self.slots.iter().enumerate() {
            if self.never_links(i as u32) || slot.anchor == NONE {
                continue;
            }
            out.extend(
                self.chain(i as u32)
                    .map(|n| self.case_of(n))
                    .filter(|&c| c != slot.anchor)
                    .map(|c| (slot.anchor, c)),
            );
        }
    }

    /// How many clusters there are, how many cases sit in clusters of two or more, and the
    /// largest cluster's size.
    pub fn cluster_counts(&self) -> ClusterCounts {
        let mut counts = ClusterCounts::default();
        for (i, &p) in self.parent.iter().enumerate() {
            if p == i as CaseIx {
                let size = self.size[i] as usize;
                counts.clusters += 1;
                counts.largest = counts.largest.max(size);
                if size > 1 {
                    counts.linked += size;
                }
            }
        }
        counts
    }

    /// A rough count of the bytes the linker holds, for capacity planning.
    pub fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        self.index.heap_bytes()
            + self.slots.capacity() * size_of::<Slot>()
            + self.slot_meta.capacity()
            + self.nodes.capacity() * size_of::<Node>()
            + self.runs.capacity() * size_of::<(u32, u32)>()
            + self.facts.capacity() * size_of::<Facts>()
            + (self.parent.capacity() + self.size.capacity() + self.next.capacity()) * 4
    }
}

fn kind_index(kind: Kind) -> u8 {
    Kind::ALL.iter().position(|&k| k == kind).unwrap_or(0) as u8
}

/// A slot's live nodes, walked from the newest.
struct Chain<'a> {
    nodes: &'a [Node],
    at: u32,
}

impl Iterator for Chain<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        if self.at == NONE {
            return None;
        }
        let at = self.at;
        self.at = self.nodes[at as usize].next;
        Some(at)
    }
}

/// Clusters in figures, over every case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClusterCounts {
    pub clusters: usize,
    /// Cases in clusters of two or more.
    pub linked: usize,
    pub largest: usize,
}

/// One identifier joining cases, with when and how each case met it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub key: LinkKey,
    pub kind: Kind,
    pub ident: u64,
    /// By time, unknown times first.
    pub postings: Vec<Posting>,
}

/// The cases of one cluster, walked along its circular list.
#[derive(Debug)]
pub struct Members<'a> {
    next: &'a [CaseIx],
    start: CaseIx,
    at: Option<CaseIx>,
}

impl Iterator for Members<'_> {
    type Item = CaseIx;

    fn next(&mut self) -> Option<CaseIx> {
        let at = self.at?;
        let following = self.next[at as usize];
        self.at = (following != self.start).then_some(following);
        Some(at)
    }
}
