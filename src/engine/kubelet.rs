//! (Stub: filled in by its own work item.)

use crate::engine::action::Reconcile;
use crate::engine::store::ObjectKey;
use crate::engine::Ctx;

pub fn reconcile(_ctx: &Ctx, _key: &ObjectKey) -> Reconcile {
    Reconcile::default()
}
