//! Input limits. A playground takes pasted text from anyone, so every input is bounded before
//! it reaches the YAML parser: size (the API server's own request limit), nesting depth, and
//! alias expansion (the YAML reader refuses "billion laughs" documents with go-yaml's budget
//! and words the error). Nothing here allocates in proportion to a hostile input.

/// The kube-apiserver's request body limit (`MaxRequestBodyBytes`, 3 MiB).
pub const MAX_REQUEST_BYTES: usize = 3 * 1024 * 1024;

/// Deepest nesting of mappings/sequences accepted in one document. Real objects stay far below
/// (a pod template with affinity terms is about 15 levels); the limit keeps recursion bounded.
pub const MAX_DEPTH: usize = 100;

/// The API server's reply to a request over `MAX_REQUEST_BYTES` (kubectl shows it after
/// `Error from server (RequestEntityTooLarge): `).
pub fn too_large_message() -> String {
    format!("Request entity too large: limit is {MAX_REQUEST_BYTES}")
}

/// Our wording for a document nested deeper than `MAX_DEPTH`.
pub fn too_deep_message() -> String {
    format!("the document is nested more than {MAX_DEPTH} levels deep; kubeplay refuses it to stay responsive")
}
