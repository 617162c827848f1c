//! stub
use super::args::Flag;
use super::Ctx;
use crate::script::Output;
pub const FLAGS: &[Flag] = &[];
pub const RUN_FLAGS: &[Flag] = &[];
pub const EXPOSE_FLAGS: &[Flag] = &[];
pub fn run(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_run(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_expose(_c: &mut Ctx) -> Output { super::fail("todo") }
