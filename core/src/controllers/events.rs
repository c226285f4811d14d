//! The event recorder: Events as the apiserver stores them (`<object>.<16 hex>` names, count,
//! firstTimestamp/lastTimestamp). Repeats of the same reason and message about the same object
//! from the same component are folded into one Event whose count grows, like client-go's
//! EventCorrelator. Events expire an hour after they last occurred, like the apiserver's
//! `--event-ttl`, and the oldest go early past [`MAX_EVENTS`] to keep the page's memory bounded.

use std::collections::{BTreeMap, VecDeque};

use crate::api::{Event, EventSource, Kind, Object, ObjectMeta, ObjectReference};
use crate::sim::{Duration, Pcg32, Time, EPOCH_UNIX_SECS};
use crate::store::{ObjectKey, Store};

pub const MAX_EVENTS: usize = 10_000;

/// The apiserver's default `--event-ttl`.
pub const EVENT_TTL: Duration = Duration::from_secs(3600);

/// One event to record, before aggregation.
#[derive(Clone, Debug, PartialEq)]
pub struct EventRecord {
    pub involved: ObjectReference,
    /// `Normal` or `Warning`.
    pub type_: &'static str,
    pub reason: String,
    pub message: String,
    /// The reporting component (`kubelet`, `default-scheduler`, `deployment-controller`…).
    pub component: &'static str,
    /// The node, for kubelet events.
    pub host: Option<String>,
}

/// FNV-1a 64 of (involved uid, reason, message, component): equal events fold together.
type AggregateKey = u64;

fn aggregate_key(rec: &EventRecord) -> AggregateKey {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let uid = rec.involved.uid.as_deref().unwrap_or("");
    for part in [uid, &rec.reason, &rec.message, rec.component] {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recorder {
    /// Last name timestamp handed out, so names sort in recording order.
    last_nanos: u64,
    aggregate: BTreeMap<AggregateKey, ObjectKey>,
    /// Recorded Events in creation order, with their creation time.
    order: VecDeque<(ObjectKey, AggregateKey, Time)>,
}

/// A reference to `meta` as Events and EndpointSlices carry it.
pub fn object_ref(kind: Kind, meta: &ObjectMeta) -> ObjectReference {
    let info = kind.info();
    ObjectReference {
        api_version: Some(info.api_version()),
        kind: Some(info.kind.to_string()),
        name: Some(meta.name.clone()),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        field_path: None,
    }
}

impl Recorder {
    pub fn record(&mut self, store: &mut Store, rng: &mut Pcg32, now: Time, rec: EventRecord) {
        let agg = aggregate_key(&rec);
        if let Some(key) = self.aggregate.get(&agg) {
            if let Some(Object::Event(ev)) = store.get_key(key) {
                let mut ev = ev.clone();
                ev.count = Some(ev.count.unwrap_or(1) + 1);
                ev.last_timestamp = Some(now);
                ev.involved_object = rec.involved;
                store.put(Object::Event(ev));
                return;
            }
        }
        let namespace = rec
            .involved
            .namespace
            .clone()
            .unwrap_or_else(|| "default".to_string());
        let involved_name = rec.involved.name.as_deref().unwrap_or("");
        // client-go names events `<object>.<unix nanos in hex>`; the sub-millisecond part is
        // drawn, increasing, so events recorded in one simulated millisecond keep their order.
        let base = (EPOCH_UNIX_SECS * 1000 + now.0) * 1_000_000;
        let nanos = base.max(self.last_nanos) + 1 + u64::from(rng.below(50_000));
        self.last_nanos = nanos;
        let name = format!("{involved_name}.{nanos:x}");
        let key = ObjectKey {
            kind: Kind::Event,
            namespace: namespace.clone(),
            name: name.clone(),
        };
        let uid = crate::cluster::uid_from(rng);
        let event = Event {
            metadata: ObjectMeta {
                name,
                namespace: Some(namespace),
                uid: Some(uid),
                creation_timestamp: Some(now),
                ..ObjectMeta::default()
            },
            involved_object: rec.involved,
            reason: Some(rec.reason),
            message: Some(rec.message),
            type_: Some(rec.type_.to_string()),
            count: Some(1),
            first_timestamp: Some(now),
            last_timestamp: Some(now),
            source: Some(EventSource {
                component: Some(rec.component.to_string()),
                host: rec.host.clone(),
            }),
            reporting_component: Some(rec.component.to_string()),
            reporting_instance: rec.host,
            ..Event::default()
        };
        store.put_keyed(key.clone(), Box::new(Object::Event(event)));
        self.aggregate.insert(agg, key.clone());
        self.order.push_back((key, agg, now));
        self.expire(store, now);
    }

    /// Drops Events past their one-hour TTL (by last occurrence) or beyond [`MAX_EVENTS`],
    /// oldest first.
    pub fn expire(&mut self, store: &mut Store, now: Time) {
        while let Some((key, agg, created)) = self.order.front() {
            // An Event cannot expire before its creation plus the TTL; only then is its last
            // occurrence worth looking up.
            let expired = now.since(*created) > EVENT_TTL
                && match store.get_key(key) {
                    Some(Object::Event(ev)) => {
                        now.since(ev.last_timestamp.unwrap_or(Time::ZERO)) > EVENT_TTL
                    }
                    _ => true,
                };
            if !expired && self.order.len() <= MAX_EVENTS {
                break;
            }
            if self.aggregate.get(agg) == Some(key) {
                self.aggregate.remove(agg);
            }
            store.remove(key);
            self.order.pop_front();
        }
    }
}
