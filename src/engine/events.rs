//! Event recording as client-go's EventCorrelator does it: an identical event raises the count
//! of the existing Event; after ten *similar* events (same source, object, type and reason,
//! different messages) within ten minutes, further ones are folded into one Event whose message
//! starts with "(combined from similar events): ". Kept as in-memory state beside the store,
//! like the recorder's LRU caches in the real controller manager.

use super::action::EventRecord;
use super::model::{Event, EventSource, Object, ObjectMeta, ObjectReference};
use super::store::ObjectKey;
use super::time::{SimDuration, SimTime, Timestamp};
use super::Sim;
use std::collections::{BTreeMap, BTreeSet};

/// client-go's defaults: maxEvents 10 similar messages per 600 s before combining.
const MAX_SIMILAR: usize = 10;
const SIMILAR_WINDOW: SimDuration = SimDuration(600_000);
pub const COMBINED_PREFIX: &str = "(combined from similar events): ";

/// Source, object and type/reason: what "similar" events share.
type AggregateKey = (String, String, String, String, String, String, String);

#[derive(Clone, Debug, Default)]
pub struct EventCorrelator {
    similar: BTreeMap<AggregateKey, (BTreeSet<String>, SimTime)>,
    /// Full key (aggregate key + message, or the aggregate key alone for combined events) ->
    /// name of the Event object that counts it.
    observed: BTreeMap<(AggregateKey, Option<String>), (String, String)>,
    /// Events recorded so far; makes event names unique within one millisecond.
    sequence: u64,
}

impl Sim {
    /// Records an event about `record.regarding` (ignored if that object no longer exists).
    pub fn record_event(&mut self, record: EventRecord) {
        let now = self.now;
        let Some(target) = self.store.get_obj(&record.regarding) else {
            return;
        };
        let involved = ObjectReference {
            api_version: Some(target.kind().info().api_version()),
            field_path: None,
            kind: target.kind().info().name.to_string(),
            name: target.meta().name.clone(),
            namespace: target.meta().namespace.clone(),
            resource_version: Some(target.meta().resource_version.clone()),
            uid: target.meta().uid.clone(),
        };
        let type_ = if record.warning { "Warning" } else { "Normal" };
        let component = record.source.component().to_string();
        let host = record.host.clone().unwrap_or_default();
        let agg: AggregateKey = (
            component.clone(),
            host.clone(),
            involved.kind.clone(),
            involved.namespace.clone(),
            involved.uid.clone(),
            type_.to_string(),
            record.reason.clone(),
        );

        // Aggregation: too many different messages of one kind become a combined event.
        let entry = self
            .events
            .similar
            .entry(agg.clone())
            .or_insert_with(|| (BTreeSet::new(), now));
        if now - entry.1 > SIMILAR_WINDOW {
            entry.0.clear();
        }
        entry.1 = now;
        entry.0.insert(record.message.clone());
        let (message, full_key) = if entry.0.len() < MAX_SIMILAR {
            (record.message.clone(), (agg, Some(record.message.clone())))
        } else {
            // Keep the set from growing, as the correlator does (it pops an arbitrary key).
            let first = entry.0.iter().next().cloned();
            if let Some(f) = first {
                entry.0.remove(&f);
            }
            (format!("{COMBINED_PREFIX}{}", record.message), (agg, None))
        };

        // De-duplication: the same event again raises the count of the existing object.
        if let Some((ns, name)) = self.events.observed.get(&full_key).cloned() {
            if let Some(mut e) = self.store.get::<Event>(&ns, &name).cloned() {
                e.count += 1;
                e.last_timestamp = Some(Timestamp(now));
                e.message = message;
                self.store.put(Object::Event(e), now);
                return;
            }
        }
        let ns = if involved.namespace.is_empty() {
            "default".to_string()
        } else {
            involved.namespace.clone()
        };
        // Real names are `<object>.<hex UnixNano>`; a per-millisecond sequence keeps ours unique,
        // deterministic and in creation order (kubectl lists events by name).
        self.events.sequence += 1;
        let nanos = (now.unix_secs() as u64) * 1_000_000_000
            + (now.0 % 1000) * 1_000_000
            + self.events.sequence % 1_000_000;
        let name = format!("{}.{:x}", involved.name, nanos);
        let mut meta = ObjectMeta::named(&ns, &name);
        meta.uid = self.new_uid();
        meta.creation_timestamp = Some(Timestamp(now));
        let event = Event {
            api_version: "v1".into(),
            kind: "Event".into(),
            metadata: meta,
            count: 1,
            first_timestamp: Some(Timestamp(now)),
            involved_object: involved,
            last_timestamp: Some(Timestamp(now)),
            message,
            reason: record.reason,
            reporting_component: component.clone(),
            reporting_instance: host.clone(),
            source: EventSource { component, host },
            type_: type_.into(),
        };
        self.events.observed.insert(full_key, (ns, name));
        self.store.put(Object::Event(event), now);
    }

    /// Events about one object, oldest first (for `describe` and the UI).
    pub fn events_for<'a>(&'a self, key: &ObjectKey) -> Vec<&'a Event> {
        let Some(uid) = self.store.get_obj(key).map(|o| o.meta().uid.clone()) else {
            return Vec::new();
        };
        let ns = if key.namespace.is_empty() {
            "default".to_string()
        } else {
            key.namespace.clone()
        };
        let mut list: Vec<&'a Event> = self
            .store
            .list_in::<Event>(&ns)
            .filter(|e| e.involved_object.uid == uid)
            .collect();
        crate::engine::stable_sort::sort_by_key(&mut list, |e| {
            (
                e.first_timestamp,
                e.metadata.resource_version.parse::<u64>().unwrap_or(0),
            )
        });
        list
    }
}
