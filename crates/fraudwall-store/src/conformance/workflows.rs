//! Workflow instances: started once per fingerprint, listed by scope and status, changed only
//! from the version read, and found when a deadline passes.

use time::macros::datetime;

use crate::{NewWorkflow, Store, WorkflowFilter, WorkflowKind, WorkflowUpdate};

fn warning(subscriber: &str, territory: &str, due_minute: u8) -> NewWorkflow {
    NewWorkflow {
        kind: WorkflowKind::Warning,
        fingerprint: format!("case:1:{subscriber}"),
        case_id: Some(1),
        subject: subscriber.to_owned(),
        territory: Some(territory.to_owned()),
        org: None,
        tier: Some("high".to_owned()),
        status: "triggered".to_owned(),
        due_at: Some(datetime!(2026-11-01 10:00 UTC) + time::Duration::minutes(due_minute.into())),
        state: "{}".to_owned(),
    }
}

fn filter(territory: Option<&str>, status: Option<&str>) -> WorkflowFilter {
    WorkflowFilter {
        kind: WorkflowKind::Warning,
        case_id: None,
        territory_prefix: territory.map(str::to_owned),
        org: None,
        status: status.map(str::to_owned),
        after: 0,
        limit: 100,
    }
}

pub fn an_instance_starts_once_and_moves_on_only_from_the_version_read(store: &dyn Store) {
    let now = datetime!(2026-11-01 09:00 UTC);
    let (first, created) = store
        .insert_workflow(&warning("+8613800000001", "350102001", 10), now)
        .unwrap();
    assert!(created);
    let (again, created) = store
        .insert_workflow(&warning("+8613800000001", "350102001", 10), now)
        .unwrap();
    assert!(!created);
    assert_eq!(again.id, first.id);
    let closed = WorkflowUpdate {
        status: "closed".to_owned(),
        due_at: None,
        state: "{\"closed\":true}".to_owned(),
    };
    let moved = store
        .update_workflow(first.id, 1, &closed, now)
        .unwrap()
        .unwrap();
    assert_eq!(
        (moved.version, moved.workflow.status.as_str()),
        (2, "closed")
    );
    assert_eq!(
        store.update_workflow(first.id, 1, &closed, now).unwrap(),
        None
    );
    assert_eq!(store.workflow(first.id).unwrap().unwrap(), moved);
}

pub fn instances_are_listed_by_territory_and_status_and_found_when_due(store: &dyn Store) {
    let now = datetime!(2026-11-01 09:00 UTC);
    let a = store
        .insert_workflow(&warning("+8613800000001", "350102001", 10), now)
        .unwrap()
        .0;
    store
        .insert_workflow(&warning("+8613800000002", "350102002", 30), now)
        .unwrap();
    store
        .insert_workflow(&warning("+8613800000003", "350203001", 20), now)
        .unwrap();
    let in_gulou = store.workflows(&filter(Some("350102"), None)).unwrap();
    assert_eq!(in_gulou.len(), 2);
    assert_eq!(
        store.workflows(&filter(Some("3502"), None)).unwrap().len(),
        1
    );
    store
        .update_workflow(
            a.id,
            1,
            &WorkflowUpdate {
                status: "closed".to_owned(),
                due_at: None,
                state: "{}".to_owned(),
            },
            now,
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        store.workflows(&filter(None, Some("open"))).unwrap().len(),
        2
    );
    assert_eq!(
        store
            .workflows(&filter(None, Some("closed")))
            .unwrap()
            .len(),
        1
    );
    let due = store
        .due_workflows(WorkflowKind::Warning, datetime!(2026-11-01 10:25 UTC), 10)
        .unwrap();
    assert_eq!(
        due.iter()
            .map(|w| w.workflow.subject.as_str())
            .collect::<Vec<_>>(),
        vec!["+8613800000003"]
    );
    assert!(
        store
            .due_workflows(WorkflowKind::Freeze, now, 10)
            .unwrap()
            .is_empty()
    );
}
