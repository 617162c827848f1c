//! stub
use super::args::Flag;
use super::Ctx;
use crate::script::Output;
pub const NO_FLAGS: &[Flag] = &[];
pub const API_RESOURCES_FLAGS: &[Flag] = &[];
pub const EXPLAIN_FLAGS: &[Flag] = &[];
pub const VERSION_FLAGS: &[Flag] = &[];
pub const CONFIG_FLAGS: &[Flag] = &[];
pub fn server_version_json() -> String { String::new() }
pub fn run_api_resources(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_api_versions(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_explain(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_version(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_cluster_info(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_config(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_edit(_c: &mut Ctx) -> Output { super::fail("todo") }
pub fn run_top(_c: &mut Ctx) -> Output { super::fail("todo") }
