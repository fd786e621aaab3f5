//! Velero schedules: cluster resources (the argocd namespace included) daily and weekly,
//! and each stateful store's volumes by file-system backup on the store's own schedule.

use crate::crd::velero::{BackupTemplate, Schedule, ScheduleSpec};
use crate::k8s::labels;
use crate::k8s::meta::object_meta;
use keiko_model::Platform;

/// Hours in the daily retention.
fn hours(days: u32) -> String {
    format!("{}h0m0s", days * 24)
}

fn schedule(platform: &Platform, namespace: &str, name: &str, cron: &str, template: BackupTemplate) -> Schedule {
    Schedule {
        metadata: object_meta(name, namespace, labels::platform(platform, name)),
        spec: ScheduleSpec { schedule: cron.to_owned(), template, use_owner_references_in_backup: false },
    }
}

/// Every Velero schedule of the platform, in Velero's namespace.
pub fn schedules(platform: &Platform, namespace: &str) -> Vec<Schedule> {
    let backups = platform.backups();
    let cluster = |ttl_days: u32| BackupTemplate {
        included_namespaces: vec!["*".to_owned()],
        include_cluster_resources: true,
        snapshot_volumes: false,
        default_volumes_to_fs_backup: false,
        storage_location: "default".to_owned(),
        ttl: hours(ttl_days),
    };
    let mut schedules = vec![
        schedule(platform, namespace, "cluster-daily", "0 2 * * *", cluster(backups.daily_retention_days)),
        schedule(platform, namespace, "cluster-weekly", "0 3 * * 0", cluster(backups.weekly_retention_days)),
    ];
    for (name, store) in platform.stateful() {
        let template = BackupTemplate {
            included_namespaces: vec![store.namespace.clone()],
            include_cluster_resources: false,
            snapshot_volumes: false,
            // The node agent copies the data volumes file by file (Kopia), online.
            default_volumes_to_fs_backup: true,
            storage_location: "default".to_owned(),
            ttl: hours(backups.daily_retention_days),
        };
        schedules.push(schedule(platform, namespace, &format!("{name}-volumes"), &store.backup_schedule, template));
    }
    schedules
}
