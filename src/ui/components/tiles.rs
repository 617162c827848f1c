//! Crowded lanes. A 500-replica Deployment puts about a hundred pods on each node; as named
//! chips that is a hundred rows per lane, thousands of elements to lay out again whenever a
//! status changes, and a page that stutters while time plays. From `TILES_FROM` pods on, a lane
//! draws each pod as a small square tile instead: one element, fixed size (a status change
//! repaints one tile, never moves its neighbours), the same STATUS colours, readiness and owner
//! stripe as a chip, with a count per STATUS above the tiles. Every pod is still there: its
//! name and status are the tile's accessible name and tooltip, it is focusable, and click or
//! Enter opens the inspector. The lane answers those events once for all its tiles.

use super::super::timeline_frames::FrameLoop;
use super::claim_chip::{claim_status, claim_title, ClaimPlace};
use super::format::pod_tone;
use super::pod_chip::{owner_class, pod_title, Grace};
use crate::present::{ClaimChip, InspectKind, InspectTarget, PodChip};
use std::collections::{BTreeMap, BTreeSet};
use web_sys::Element;
use yew::prelude::*;

/// A lane with at least this many pods (or pods and lone claims) draws tiles.
pub const TILES_FROM: usize = 40;

/// At most this many items join a list per animation frame. A ReplicaSet creates its 500 pods
/// in one step; drawn at once they would hold one frame for a tenth of a second.
pub const NEW_PER_FRAME: usize = 150;

/// Which items of a list this render draws (`draw[i]` for the item with `keys[i]`), and how
/// many wait.
pub struct Paced {
    pub draw: Vec<bool>,
    pub held_back: usize,
}

/// What a paced list remembers between renders: the items on the page (by a hash of their
/// key), the animation frame of the last render and how many items joined in that frame.
struct PaceMemory {
    drawn: BTreeSet<u64>,
    frame: f64,
    joined: usize,
}

/// The time of the animation frame under way (`document.timeline.currentTime`): the same for
/// every render within one frame.
fn frame_time() -> f64 {
    let timeline = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| js_sys::Reflect::get(&d, &"timeline".into()).ok());
    timeline
        .and_then(|t| js_sys::Reflect::get(&t, &"currentTime".into()).ok())
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::NAN)
}

/// FNV-1a: a key's stand-in in `PaceMemory` (no string kept per item).
fn key_hash(key: &str) -> u64 {
    key.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Paces a list: items already on the page stay; up to `NEW_PER_FRAME` others join per
/// animation frame, however many times the list renders in it; the rest wait, and the list
/// draws again on the next frames, whether or not time is playing, until all are there (a
/// few frames for 500).
#[hook]
pub fn use_paced(keys: &[&str]) -> Paced {
    let memory = use_mut_ref(|| PaceMemory {
        drawn: BTreeSet::new(),
        frame: f64::NAN,
        joined: 0,
    });
    let redraw = use_force_update();
    let frame = frame_time();
    let mut memory = memory.borrow_mut();
    // NaN (no timeline) never equals itself: then every render may add a whole batch.
    if memory.frame != frame {
        memory.frame = frame;
        memory.joined = 0;
    }
    let mut room = NEW_PER_FRAME.saturating_sub(memory.joined);
    let mut drawn = BTreeSet::new();
    let draw: Vec<bool> = keys
        .iter()
        .map(|key| {
            let hash = key_hash(key);
            let show = memory.drawn.contains(&hash)
                || room > 0 && {
                    room -= 1;
                    memory.joined += 1;
                    true
                };
            if show {
                drawn.insert(hash);
            }
            show
        })
        .collect();
    memory.drawn = drawn;
    let held_back = draw.iter().filter(|d| !**d).count();
    use_effect(move || {
        let frames = (held_back > 0).then(|| FrameLoop::start(move |_| redraw.force_update()));
        move || drop(frames)
    });
    Paced { draw, held_back }
}

/// What stands for the items `use_paced` holds back, for the frame or two they wait.
/// Drawn after the list, not in it: every child of a keyed list must have a key, or Yew
/// compares the list by position and rewrites each tile after an insertion.
pub fn more_to_come(held_back: usize) -> Html {
    if held_back == 0 {
        return html! {};
    }
    html! {
        <p class="tiles-more" data-testid="tiles-more">{format!("+{held_back} more…")}</p>
    }
}

/// The object a click or key press on a tile is about, read from the tile's data attributes.
fn target_of(el: Option<Element>) -> Option<InspectTarget> {
    let tile = el?.closest("[data-pod], [data-claim]").ok()??;
    let namespace = tile.get_attribute("data-namespace").unwrap_or_default();
    if let Some(name) = tile.get_attribute("data-pod") {
        return Some(InspectTarget {
            kind: InspectKind::Pod,
            namespace,
            name,
        });
    }
    tile.get_attribute("data-claim").map(|name| InspectTarget {
        kind: InspectKind::Claim,
        namespace,
        name,
    })
}

/// Click and key handlers for a whole list of tiles (Enter/Space open, the arrows, Home and End
/// move): two closures per lane instead of two per pod (a hundred pods arriving at once cost a
/// hundred fewer listeners each).
pub fn lane_inspect_handlers(
    cb: &Callback<InspectTarget>,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let cb = cb.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(t) = target_of(e.target_dyn_into::<Element>()) {
                cb.emit(t);
            }
        })
    };
    let key = {
        let cb = cb.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if matches!(
                key.as_str(),
                "ArrowRight" | "ArrowDown" | "ArrowLeft" | "ArrowUp" | "Home" | "End"
            ) {
                let tile = e
                    .target_dyn_into::<Element>()
                    .and_then(|el| el.closest("[data-pod], [data-claim]").ok().flatten());
                // The tile's own list (Yew delegates events: the current target is the root).
                let list = tile
                    .as_ref()
                    .and_then(|t| t.closest(".tiles").ok().flatten());
                if let (Some(tile), Some(list)) = (tile, list) {
                    if let Some(next) = tile_to_focus(&list, &tile, &key) {
                        e.prevent_default();
                        let _ = next.focus();
                    }
                }
                return;
            }
            if key != "Enter" && key != " " {
                return;
            }
            if let Some(t) = target_of(e.target_dyn_into::<Element>()) {
                e.prevent_default();
                cb.emit(t);
            }
        })
    };
    (click, key)
}

/// One pod as a tile, keyed by its uid. A plain element rather than a component: five hundred
/// tiles arriving in one frame cost five hundred elements, not five hundred components with
/// their scheduling, and a lane's re-render compares a few attributes per tile. No `aria-label`:
/// the title (namespace/name, STATUS, readiness, owner) is the tile's accessible name. The
/// lane's handlers open the inspector (see `lane_inspect_handlers`).
pub fn pod_tile(
    chip: &PodChip,
    moved_from: Option<&String>,
    now_ms: Option<u64>,
    in_slot: bool,
    tab_stop: bool,
) -> Html {
    let grace = Grace::of(chip, now_ms);
    let class = classes!(
        "tile",
        tone_class(pod_tone(chip)),
        (chip.namespace == super::cluster::SYSTEM_NAMESPACE).then_some("system"),
        moved_from.is_some().then_some("moved"),
        chip.owner_kind.is_some().then_some("owned"),
        owner_class(chip),
    );
    // Only a terminating pod needs a style attribute (its share of grace period left).
    let style = grace.map(|g| g.style());
    let tag = if in_slot { "div" } else { "li" };
    html! {
        <@{tag} key={chip.uid.clone()} {class} {style}
            title={pod_title(chip, grace, moved_from.map(String::as_str))}
            tabindex={tab_index(tab_stop)} role="button"
            data-pod={chip.name.clone()} data-namespace={chip.namespace.clone()}
            data-phase={chip.phase.as_str().to_string()} data-status={chip.status.clone()}
            data-ready={if chip.ready { "true" } else { "false" }}
            data-moved-from={moved_from.cloned()} />
    }
}

/// A list of tiles is one Tab stop (its first tile); the arrow keys, Home and End move
/// between its tiles (`lane_inspect_handlers`), so a hundred pods are not a hundred Tab presses.
fn tab_index(tab_stop: bool) -> &'static str {
    if tab_stop {
        "0"
    } else {
        "-1"
    }
}

/// The tile the arrow keys, Home or End move to from `from`, among the list's tiles.
fn tile_to_focus(list: &Element, from: &Element, key: &str) -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    let tiles = list.query_selector_all("[data-pod], [data-claim]").ok()?;
    let count = tiles.length();
    let at = (0..count).find(|i| tiles.item(*i).is_some_and(|n| n.is_same_node(Some(from))))?;
    let to = match key {
        "ArrowRight" | "ArrowDown" => (at + 1).min(count - 1),
        "ArrowLeft" | "ArrowUp" => at.saturating_sub(1),
        "Home" => 0,
        "End" => count - 1,
        _ => return None,
    };
    tiles.item(to)?.dyn_into::<web_sys::HtmlElement>().ok()
}

/// `pod_tone`'s class as a static string: a redraw builds hundreds of tiles, and a static
/// class costs no allocation.
fn tone_class(tone: &str) -> &'static str {
    match tone {
        "ok" => "tone-ok",
        "warn" => "tone-warn",
        "bad" => "tone-bad",
        "done" => "tone-done",
        "terminating" => "tone-terminating",
        _ => "tone-pending",
    }
}

/// A PersistentVolumeClaim in a crowded lane, keyed by its uid: a round tile, like a disk,
/// beside its pod's tile or alone where its volume waits. Its title is its name.
pub fn claim_tile(c: &ClaimChip, place: ClaimPlace, tab_stop: bool) -> Html {
    let (_, tone) = claim_status(c);
    let where_ = if place == ClaimPlace::Alone {
        "alone"
    } else {
        "beside-pod"
    };
    html! {
        <div key={c.uid.clone()} class={classes!("tile", "claim-tile", tone_class(tone), where_)}
            title={claim_title(c, place)} tabindex={tab_index(tab_stop)} role="button"
            data-testid="claim" data-claim={c.name.clone()} data-namespace={c.namespace.clone()}
            data-phase={c.phase.clone()} data-place={where_}
            data-used={if c.used_by.is_empty() { "false" } else { "true" }} />
    }
}

/// `98 Running · 4 ContainerCreating`: how many tiles show each STATUS, with its colour, in
/// the order the statuses first appear.
pub fn status_counts<'a>(pods: impl Iterator<Item = &'a PodChip>) -> Html {
    let mut order: Vec<(&str, &'static str)> = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in pods {
        let n = counts.entry(p.status.as_str()).or_insert(0);
        if *n == 0 {
            order.push((p.status.as_str(), pod_tone(p)));
        }
        *n += 1;
    }
    html! {
        <ul class="tile-counts" aria-label="Pods by STATUS" data-testid="tile-counts">
            { for order.into_iter().map(|(status, tone)| html! {
                <li class="tile-count" data-status={status.to_string()}>
                    <span class={classes!("tile-swatch", format!("tone-{tone}"))} aria-hidden="true" />
                    {format!("{} {status}", counts[status])}
                </li>
            }) }
        </ul>
    }
}

/// The scheduler's reasons for a crowded Pending lane, each said once with how many pods it
/// holds back (five hundred copies of one sentence teach nothing).
pub fn grouped_reasons(pods: &[PodChip]) -> Html {
    let mut order: Vec<&str> = Vec::new();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for reason in pods.iter().filter_map(|p| p.reason.as_deref()) {
        let n = counts.entry(reason).or_insert(0);
        if *n == 0 {
            order.push(reason);
        }
        *n += 1;
    }
    if order.is_empty() {
        return html! {};
    }
    html! {
        <ul class="tile-reasons">
            { for order.into_iter().map(|reason| {
                let n = counts[reason];
                html! {
                    <li class="pod-reason" data-testid="pending-reason-group">
                        <strong>{format!("{n} pod{}: ", if n == 1 { "" } else { "s" })}</strong>{reason}
                    </li>
                }
            }) }
        </ul>
    }
}

/// Keyboard focus in a list of tiles: the tile focused now (its pod or claim), the one focused
/// last (the list's Tab stop: coming back with Tab or Shift+Tab lands where one left), and the
/// list's focusin and focusout handlers. A tooltip only follows the mouse: the caption line
/// says the focused tile's name and status for a sighted keyboard user (a screen reader reads
/// the title).
pub struct TileFocus {
    pub now: Option<InspectTarget>,
    pub last: Option<InspectTarget>,
    pub on_focus_in: Callback<FocusEvent>,
    pub on_focus_out: Callback<FocusEvent>,
}

impl TileFocus {
    /// Which of a list's drawn items is its Tab stop: the one holding the last focused tile
    /// (`holds`), else the first.
    pub fn stop_index<T>(&self, items: &[T], holds: impl Fn(&T, &InspectTarget) -> bool) -> usize {
        self.last
            .as_ref()
            .and_then(|last| items.iter().position(|item| holds(item, last)))
            .unwrap_or(0)
    }
}

#[hook]
pub fn use_focused_tile() -> TileFocus {
    let focused = use_state(|| None::<InspectTarget>);
    let last = use_state(|| None::<InspectTarget>);
    let on_focus_in = {
        let (focused, last) = (focused.clone(), last.clone());
        Callback::from(move |e: FocusEvent| {
            let target = target_of(e.target_dyn_into::<Element>());
            if target.is_some() {
                last.set(target.clone());
            }
            focused.set(target);
        })
    };
    let on_focus_out = {
        let focused = focused.clone();
        Callback::from(move |_: FocusEvent| focused.set(None))
    };
    TileFocus {
        now: (*focused).clone(),
        last: (*last).clone(),
        on_focus_in,
        on_focus_out,
    }
}

/// The line above the tiles: what they are and how to reach a pod's name, or the focused
/// tile's title as it reads now (name, STATUS, readiness...). It keeps its height either way,
/// so the tiles do not move.
pub fn tiles_caption(focused_title: Option<String>) -> Html {
    let class = classes!("tiles-hint", focused_title.is_some().then_some("focused"));
    html! {
        <p {class} data-testid="tiles-caption" aria-hidden={focused_title.is_some().then_some("true")}>
            { focused_title.unwrap_or_else(|| {
                "One tile per pod — hover or focus a tile for its name; click or Enter opens it.".to_string()
            }) }
        </p>
    }
}
