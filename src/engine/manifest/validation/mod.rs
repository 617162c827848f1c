//! Validation.
pub mod names;
use super::errors::ApiError;
use crate::engine::model::Object;

pub fn validate_create(_obj: &Object) -> Result<(), ApiError> {
    Ok(())
}
pub fn validate_update(_old: &Object, _new: &Object) -> Result<(), ApiError> {
    Ok(())
}
