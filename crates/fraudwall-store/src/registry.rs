//! Who the subscribers are and which unit answers for where they live: the subscriber registry
//! (territory, birth year, occupation) and the jurisdiction tree.

/// One subscriber as the operator's registry gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberRecord {
    /// The number's compact key.
    pub key: u64,
    /// The canonical number.
    pub phone: String,
    /// The grid or station code of where the subscriber lives.
    pub territory: String,
    pub birth_year: Option<i32>,
    pub occupation: Option<String>,
    /// Who supplied the row (the importing token's name or org).
    pub source: String,
}

/// One unit of the jurisdiction tree: province, city, district, police station or grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    pub code: String,
    pub name: String,
    /// `province`, `city`, `district`, `station` or `grid`.
    pub level: String,
    pub parent: Option<String>,
    /// The duty desk's phone or address, shown with the unit's warnings.
    pub contact: Option<String>,
    /// Where the unit is told of new and escalated warnings.
    pub webhook: Option<String>,
}
