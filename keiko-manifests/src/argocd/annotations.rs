//! The annotations every object the root Application syncs carries.

use std::collections::BTreeMap;

/// The sync-wave annotation plus server-side diff, so fields the API server defaults
/// never leave an application permanently OutOfSync.
pub fn wave(wave: i32) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("argocd.argoproj.io/sync-wave".to_owned(), wave.to_string()),
        ("argocd.argoproj.io/compare-options".to_owned(), "ServerSideDiff=true".to_owned()),
    ])
}
