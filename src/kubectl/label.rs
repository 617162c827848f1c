//! stub
use super::args::Flag;
use super::Ctx;
use crate::script::Output;
pub const FLAGS: &[Flag] = &[];
pub fn run_label(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_annotate(_c: &mut Ctx) -> Output { super::fail("todo") }
