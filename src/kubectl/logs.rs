//! stub
use super::args::Flag;
use super::Ctx;
use crate::script::Output;
pub const FLAGS: &[Flag] = &[];
pub fn run(_c: &mut Ctx) -> Output { super::fail("todo") }
