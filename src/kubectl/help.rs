//! stub
use super::Ctx;
use crate::script::Output;
pub fn overview() -> String { String::new() }
pub fn for_verb(_v: &str, _s: Option<&str>) -> String { String::new() }
pub fn run_help(_c: &mut Ctx) -> Output { super::ok(overview()) }
