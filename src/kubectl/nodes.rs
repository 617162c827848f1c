//! stub
use super::args::Flag;
use super::Ctx;
use crate::script::Output;
pub const TAINT_FLAGS: &[Flag] = &[];
pub const CORDON_FLAGS: &[Flag] = &[];
pub const DRAIN_FLAGS: &[Flag] = &[];
pub fn run_taint(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_cordon(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_uncordon(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_drain(_c: &mut Ctx) -> Output { super::fail("todo") }
