//! Ages as kubectl prints them: apimachinery's `duration.HumanDuration` (AGE columns) and
//! `duration.ShortHumanDuration` (describe's event ages use HumanDuration too in v1.32).

use crate::engine::time::{SimTime, Timestamp};

/// `HumanDuration` from k8s.io/apimachinery/pkg/util/duration, for a span in seconds.
pub fn human_duration_secs(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

/// Whole seconds between two instants, truncated like Go's `int(d.Seconds())`.
pub fn secs_between(earlier: SimTime, now: SimTime) -> i64 {
    (now.0 as i64 - earlier.0 as i64) / 1000
}

/// `translateTimestampSince`: `<unknown>` for a missing timestamp.
pub fn age(ts: Option<Timestamp>, now: SimTime) -> String {
    match ts {
        None => "<unknown>".into(),
        Some(t) => human_duration_secs(secs_between(t.0, now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_apimachinery_human_duration() {
        let cases = [
            (0, "0s"),
            (45, "45s"),
            (119, "119s"),
            (120, "2m"),
            (130, "2m10s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (3 * 3600 + 300, "3h5m"),
            (8 * 3600, "8h"),
            (47 * 3600, "47h"),
            (3 * 86400 + 4 * 3600, "3d4h"),
            (10 * 86400, "10d"),
            (3 * 365 * 86400 + 20 * 86400, "3y20d"),
            (9 * 365 * 86400, "9y"),
        ];
        for (secs, want) in cases {
            assert_eq!(human_duration_secs(secs), want, "{secs}s");
        }
    }
}
