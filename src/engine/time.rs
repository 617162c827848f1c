//! Simulated time. The engine owns the clock; nothing here reads the wall clock, so a script
//! replays identically on native and wasm32.

use crate::engine::model::codec::{serde_via_codec, Codec, DecodeCx, DecodeError};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Milliseconds since the simulated cluster was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub fn from_secs(s: u64) -> Self {
        SimDuration(s.saturating_mul(1000))
    }
    pub fn from_millis(ms: u64) -> Self {
        SimDuration(ms)
    }
    pub fn as_secs(self) -> u64 {
        self.0 / 1000
    }
    pub fn as_millis(self) -> u64 {
        self.0
    }

    /// Parses `500ms`, `10s`, `5m`, `1h`, `1m30s` or a bare number of seconds.
    pub fn parse(text: &str) -> Result<SimDuration, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err("empty duration".into());
        }
        if let Ok(secs) = t.parse::<u64>() {
            return Ok(SimDuration::from_secs(secs));
        }
        let mut total: u64 = 0;
        let mut num = String::new();
        let mut chars = t.chars().peekable();
        let mut saw_unit = false;
        while let Some(c) = chars.next() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            let unit: String = if c == 'm' && chars.peek() == Some(&'s') {
                chars.next();
                "ms".into()
            } else {
                c.to_string()
            };
            let value: f64 = num.parse().map_err(|_| {
                format!("invalid duration {text:?}: expected a number before {unit:?}")
            })?;
            num.clear();
            let factor = match unit.as_str() {
                "ms" => 1.0,
                "s" => 1000.0,
                "m" => 60_000.0,
                "h" => 3_600_000.0,
                _ => {
                    return Err(format!(
                        "invalid duration {text:?}: unknown unit {unit:?} (use ms, s, m or h)"
                    ))
                }
            };
            total = total.saturating_add((value * factor).round() as u64);
            saw_unit = true;
        }
        if !num.is_empty() || !saw_unit {
            return Err(format!(
                "invalid duration {text:?}: missing unit (use ms, s, m or h, e.g. 30s)"
            ));
        }
        Ok(SimDuration(total))
    }
}

impl fmt::Display for SimDuration {
    /// Go-style short form: `1m30s`, `250ms`, `2h0m0s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = self.0;
        if ms < 1000 && ms > 0 {
            return write!(f, "{ms}ms");
        }
        let secs = ms / 1000;
        let frac = ms % 1000;
        let (h, m, s) = (secs / 3600, (secs / 60) % 60, secs % 60);
        let sec_text = if frac == 0 {
            format!("{s}s")
        } else {
            let mut t = format!("{s}.{frac:03}");
            while t.ends_with('0') {
                t.pop();
            }
            format!("{t}s")
        };
        if h > 0 {
            write!(f, "{h}h{m}m{sec_text}")
        } else if m > 0 {
            write!(f, "{m}m{sec_text}")
        } else {
            write!(f, "{sec_text}")
        }
    }
}

impl std::ops::Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl std::ops::Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

/// Unix seconds of the simulated cluster's birth. A fixed date keeps transcripts stable.
pub const EPOCH_UNIX_SECS: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

impl SimTime {
    pub fn unix_secs(self) -> i64 {
        EPOCH_UNIX_SECS + (self.0 / 1000) as i64
    }
    /// RFC 3339 in UTC with second precision, as the API server writes metadata timestamps.
    pub fn rfc3339(self) -> String {
        format_unix_rfc3339(self.unix_secs())
    }
    /// RFC 3339 with microseconds (MicroTime, used by events.k8s.io eventTime).
    pub fn rfc3339_micros(self) -> String {
        let base = format_unix_rfc3339(self.unix_secs());
        format!(
            "{}.{:06}Z",
            base.trim_end_matches('Z'),
            (self.0 % 1000) * 1000
        )
    }
    pub fn parse_rfc3339(text: &str) -> Option<SimTime> {
        let secs = parse_rfc3339_unix(text)?;
        let rel = secs - EPOCH_UNIX_SECS;
        Some(SimTime(if rel < 0 { 0 } else { rel as u64 * 1000 }))
    }
}

// Calendar conversion after Howard Hinnant's `civil_from_days` / `days_from_civil`: a dozen
// lines of integer arithmetic, cheaper than a date crate in the wasm bundle.
fn format_unix_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

fn parse_rfc3339_unix(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() < 20 {
        return None;
    }
    let num = |s: &str| s.parse::<i64>().ok();
    let (y, m, d) = (num(&t[0..4])?, num(&t[5..7])?, num(&t[8..10])?);
    let (hh, mm, ss) = (num(&t[11..13])?, num(&t[14..16])?, num(&t[17..19])?);
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

/// A metadata timestamp (`creationTimestamp`, `lastTransitionTime`...), kept as simulated time
/// and written as RFC 3339 like the API server does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub SimTime);

impl Codec for Timestamp {
    fn decode(v: &Value, cx: &mut DecodeCx) -> Result<Self, DecodeError> {
        let text = String::decode(v, cx)?;
        SimTime::parse_rfc3339(&text)
            .map(Timestamp)
            .ok_or_else(|| cx.error(format!("invalid RFC 3339 time {text:?}")))
    }
    fn encode(&self) -> Value {
        Value::String(self.0.rfc3339())
    }
    /// A timestamp field the document leaves out is an error, as before (our model has no zero
    /// time); every optional timestamp is an `Option`.
    fn absent() -> Option<Self> {
        None
    }
}
serde_via_codec!(Timestamp);

/// Work the engine has promised to do later, ordered by (time, insertion sequence) so two timers
/// due at the same millisecond always fire in the order they were set.
#[derive(Clone, Debug)]
pub struct TimerQueue<T> {
    entries: BTreeMap<(SimTime, u64), T>,
    next_seq: u64,
}

impl<T> Default for TimerQueue<T> {
    fn default() -> Self {
        TimerQueue {
            entries: BTreeMap::new(),
            next_seq: 0,
        }
    }
}

impl<T> TimerQueue<T> {
    pub fn push(&mut self, at: SimTime, item: T) {
        self.entries.insert((at, self.next_seq), item);
        self.next_seq += 1;
    }
    pub fn next_due(&self) -> Option<SimTime> {
        self.entries.keys().next().map(|(t, _)| *t)
    }
    /// Removes and returns the earliest timer if it is due at or before `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<(SimTime, T)> {
        let key = *self.entries.keys().next()?;
        if key.0 > now {
            return None;
        }
        self.entries.remove(&key).map(|v| (key.0, v))
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        self.entries.retain(|_, v| keep(v));
    }
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, &T)> {
        self.entries.iter().map(|((t, _), v)| (*t, v))
    }
}

/// A `TimerQueue` whose timers may be marked as steady-state retries (attempts that fail again
/// until something outside changes), with the number of such timers kept current so
/// `Sim::settle` can tell in O(1) whether any other work is left.
#[derive(Clone, Debug)]
pub struct Timers<T> {
    queue: TimerQueue<(T, bool)>,
    retries: usize,
}

impl<T> Default for Timers<T> {
    fn default() -> Self {
        Timers {
            queue: TimerQueue::default(),
            retries: 0,
        }
    }
}

impl<T> Timers<T> {
    pub fn push(&mut self, at: SimTime, item: T) {
        self.queue.push(at, (item, false));
    }
    pub fn push_retry(&mut self, at: SimTime, item: T) {
        self.queue.push(at, (item, true));
        self.retries += 1;
    }
    pub fn next_due(&self) -> Option<SimTime> {
        self.queue.next_due()
    }
    /// Removes and returns the earliest timer (retry or not) if it is due at or before `now`.
    pub fn pop_due(&mut self, now: SimTime) -> Option<(SimTime, T)> {
        let (at, (item, retry)) = self.queue.pop_due(now)?;
        if retry {
            self.retries -= 1;
        }
        Some((at, item))
    }
    /// All timers, retries included.
    pub fn len(&self) -> usize {
        self.queue.len()
    }
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }
    /// How many of the timers are steady-state retries.
    pub fn retries(&self) -> usize {
        self.retries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_epoch_and_round_trips() {
        assert_eq!(SimTime(0).rfc3339(), "2026-01-01T00:00:00Z");
        assert_eq!(
            SimTime(86_400_000 * 59 + 3_723_000).rfc3339(),
            "2026-03-01T01:02:03Z"
        );
        let t = SimTime(123_456_000);
        assert_eq!(SimTime::parse_rfc3339(&t.rfc3339()), Some(t));
    }

    #[test]
    fn parses_and_prints_durations() {
        assert_eq!(SimDuration::parse("1m30s").unwrap(), SimDuration(90_000));
        assert_eq!(SimDuration::parse("250ms").unwrap(), SimDuration(250));
        assert_eq!(SimDuration::parse("10").unwrap(), SimDuration(10_000));
        assert!(SimDuration::parse("10x")
            .unwrap_err()
            .contains("unknown unit"));
        assert_eq!(SimDuration(90_000).to_string(), "1m30s");
        assert_eq!(SimDuration(1_500).to_string(), "1.5s");
    }

    #[test]
    fn retry_timers_are_counted_until_they_fire() {
        let mut t = Timers::default();
        t.push(SimTime(5), "work");
        t.push_retry(SimTime(3), "retry");
        assert_eq!((t.len(), t.retries()), (2, 1));
        assert_eq!(t.pop_due(SimTime(9)).unwrap().1, "retry");
        assert_eq!((t.len(), t.retries()), (1, 0));
        assert_eq!(t.pop_due(SimTime(9)).unwrap().1, "work");
        assert!(t.is_empty());
    }

    #[test]
    fn timers_fire_in_time_then_insertion_order() {
        let mut q = TimerQueue::default();
        q.push(SimTime(5), "b");
        q.push(SimTime(1), "a");
        q.push(SimTime(5), "c");
        assert_eq!(q.pop_due(SimTime(0)), None);
        assert_eq!(q.pop_due(SimTime(9)).unwrap().1, "a");
        assert_eq!(q.pop_due(SimTime(9)).unwrap().1, "b");
        assert_eq!(q.pop_due(SimTime(9)).unwrap().1, "c");
    }
}
