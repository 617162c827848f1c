//! A safe event iterator over `unsafe_libyaml`, the Rust translation of libyaml 0.2.5. go-yaml v2
//! (what kubectl's `sigs.k8s.io/yaml` parses with) is a port of the same C library, so its
//! events, scalar styles, tags, anchors, marks and error messages are the ones kubectl sees.
//!
//! All of kubeplay's unsafe code for YAML lives here, modelled on serde_yaml's own wrapper
//! (`serde_yaml/src/libyaml/{parser,error,cstr,util}.rs`): the parser is heap-pinned (libyaml
//! keeps pointers into it), every event is copied into owned Rust values and freed before
//! `next` returns, and the parser is freed on drop.

use std::marker::PhantomData;
use std::mem::MaybeUninit;
use std::ptr::{addr_of_mut, NonNull};
use unsafe_libyaml as unsafe_sys;

/// A position in the input, 0-based like libyaml's (`index` counts characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mark {
    pub index: u64,
    pub line: u64,
    pub column: u64,
}

impl From<unsafe_sys::yaml_mark_t> for Mark {
    fn from(m: unsafe_sys::yaml_mark_t) -> Self {
        Mark {
            index: m.index,
            line: m.line,
            column: m.column,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    StreamStart,
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias {
        anchor: String,
    },
    Scalar {
        anchor: Option<String>,
        /// The resolved tag (`!!int` arrives as `tag:yaml.org,2002:int`).
        tag: Option<String>,
        value: String,
        style: ScalarStyle,
    },
    SequenceStart {
        anchor: Option<String>,
    },
    SequenceEnd,
    MappingStart {
        anchor: Option<String>,
    },
    MappingEnd,
}

/// Which stage of libyaml failed; go-yaml numbers lines differently for scanner errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Reader,
    Scanner,
    Parser,
    Other,
}

/// libyaml's error fields, as go-yaml's `parser.fail()` reads them.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub problem: String,
    /// Byte offset of a reader error (reader errors carry no mark).
    pub problem_offset: u64,
    pub problem_mark: Mark,
    pub context: Option<String>,
    pub context_mark: Mark,
}

/// The parser state libyaml points into; boxed so it never moves.
struct Pinned {
    sys: unsafe_sys::yaml_parser_t,
}

pub struct Parser<'input> {
    pin: NonNull<Pinned>,
    /// The parser reads from the caller's bytes; they must outlive it.
    input: PhantomData<&'input [u8]>,
    failed: Option<Error>,
}

impl<'input> Parser<'input> {
    pub fn new(input: &'input [u8]) -> Parser<'input> {
        let boxed: Box<MaybeUninit<Pinned>> = Box::new(MaybeUninit::uninit());
        let pin = NonNull::from(Box::leak(boxed)).cast::<Pinned>();
        // SAFETY: `pin` points to a live, writable allocation sized for `Pinned`;
        // `yaml_parser_initialize` zeroes and initialises the whole parser struct (it only fails
        // on allocation failure, which aborts in Rust's allocator first). The input pointer and
        // length come from a slice that outlives the parser (the `'input` lifetime).
        unsafe {
            let parser = addr_of_mut!((*pin.as_ptr()).sys);
            let _ = unsafe_sys::yaml_parser_initialize(parser);
            unsafe_sys::yaml_parser_set_encoding(parser, unsafe_sys::YAML_UTF8_ENCODING);
            unsafe_sys::yaml_parser_set_input_string(parser, input.as_ptr(), input.len() as u64);
        }
        Parser {
            pin,
            input: PhantomData,
            failed: None,
        }
    }

    /// The next event with its start mark. After an error, the same error again.
    pub fn next(&mut self) -> Result<(Event, Mark), Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut event = MaybeUninit::<unsafe_sys::yaml_event_t>::uninit();
        // SAFETY: the parser was initialised in `new` and is only used from `&mut self`. On
        // success `yaml_parser_parse` fully initialises `event`; we read it, copy out what we
        // need, and free it with `yaml_event_delete` before returning. On failure the event is
        // left empty and not read.
        let result = unsafe {
            let parser = addr_of_mut!((*self.pin.as_ptr()).sys);
            if unsafe_sys::yaml_parser_parse(parser, event.as_mut_ptr()).fail {
                Err(error_of(&*parser))
            } else {
                let event = event.as_mut_ptr();
                let converted = convert(&*event);
                let mark = Mark::from((*event).start_mark);
                unsafe_sys::yaml_event_delete(event);
                Ok((converted, mark))
            }
        };
        if let Err(e) = &result {
            self.failed = Some(e.clone());
        }
        result
    }
}

impl Drop for Parser<'_> {
    fn drop(&mut self) {
        // SAFETY: `pin` came from `Box::leak` in `new` and was initialised there; it is freed
        // exactly once, here, after libyaml released what it owns.
        unsafe {
            unsafe_sys::yaml_parser_delete(addr_of_mut!((*self.pin.as_ptr()).sys));
            drop(Box::from_raw(self.pin.as_ptr()));
        }
    }
}

/// Copies an error out of the parser.
///
/// # Safety
/// `parser` must be an initialised parser whose last call failed.
unsafe fn error_of(parser: &unsafe_sys::yaml_parser_t) -> Error {
    let kind = match parser.error {
        unsafe_sys::YAML_READER_ERROR => ErrorKind::Reader,
        unsafe_sys::YAML_SCANNER_ERROR => ErrorKind::Scanner,
        unsafe_sys::YAML_PARSER_ERROR => ErrorKind::Parser,
        _ => ErrorKind::Other,
    };
    Error {
        kind,
        // SAFETY (both): libyaml's problem and context are NUL-terminated static strings or null.
        problem: unsafe { c_string(parser.problem.cast()) }.unwrap_or_default(),
        problem_offset: parser.problem_offset,
        problem_mark: parser.problem_mark.into(),
        context: unsafe { c_string(parser.context.cast()) },
        context_mark: parser.context_mark.into(),
    }
}

/// Copies an event's data into owned values.
///
/// # Safety
/// `event` must be a successfully parsed, not yet deleted event.
unsafe fn convert(event: &unsafe_sys::yaml_event_t) -> Event {
    // SAFETY: each arm reads the union member that libyaml fills for that event type; the
    // pointers in it are null or point to NUL-terminated strings / `length` bytes it owns.
    unsafe {
        match event.type_ {
            unsafe_sys::YAML_STREAM_START_EVENT => Event::StreamStart,
            unsafe_sys::YAML_DOCUMENT_START_EVENT => Event::DocumentStart,
            unsafe_sys::YAML_DOCUMENT_END_EVENT => Event::DocumentEnd,
            unsafe_sys::YAML_ALIAS_EVENT => Event::Alias {
                anchor: c_string(event.data.alias.anchor).unwrap_or_default(),
            },
            unsafe_sys::YAML_SCALAR_EVENT => {
                let s = &event.data.scalar;
                let bytes = if s.value.is_null() {
                    &[][..]
                } else {
                    std::slice::from_raw_parts(s.value, s.length as usize)
                };
                Event::Scalar {
                    anchor: c_string(s.anchor),
                    tag: c_string(s.tag),
                    value: String::from_utf8_lossy(bytes).into_owned(),
                    style: match s.style {
                        unsafe_sys::YAML_SINGLE_QUOTED_SCALAR_STYLE => ScalarStyle::SingleQuoted,
                        unsafe_sys::YAML_DOUBLE_QUOTED_SCALAR_STYLE => ScalarStyle::DoubleQuoted,
                        unsafe_sys::YAML_LITERAL_SCALAR_STYLE => ScalarStyle::Literal,
                        unsafe_sys::YAML_FOLDED_SCALAR_STYLE => ScalarStyle::Folded,
                        _ => ScalarStyle::Plain,
                    },
                }
            }
            unsafe_sys::YAML_SEQUENCE_START_EVENT => Event::SequenceStart {
                anchor: c_string(event.data.sequence_start.anchor),
            },
            unsafe_sys::YAML_SEQUENCE_END_EVENT => Event::SequenceEnd,
            unsafe_sys::YAML_MAPPING_START_EVENT => Event::MappingStart {
                anchor: c_string(event.data.mapping_start.anchor),
            },
            unsafe_sys::YAML_MAPPING_END_EVENT => Event::MappingEnd,
            // STREAM_END (and NO_EVENT, which a successful parse never returns).
            _ => Event::StreamEnd,
        }
    }
}

/// An owned copy of a NUL-terminated C string (lossy UTF-8), or None for null.
///
/// # Safety
/// `ptr` must be null or point to a NUL-terminated string.
unsafe fn c_string(ptr: *const u8) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees a NUL-terminated string.
    let cstr = unsafe { std::ffi::CStr::from_ptr(ptr.cast()) };
    Some(String::from_utf8_lossy(cstr.to_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_carry_style_tag_and_anchor() {
        let mut p = Parser::new(b"a: &x !!int '1'\nb: *x\n");
        let mut events = Vec::new();
        loop {
            let (e, _) = p.next().expect("valid");
            let end = e == Event::StreamEnd;
            events.push(e);
            if end {
                break;
            }
        }
        assert!(events.contains(&Event::Scalar {
            anchor: Some("x".into()),
            tag: Some("tag:yaml.org,2002:int".into()),
            value: "1".into(),
            style: ScalarStyle::SingleQuoted,
        }));
        assert!(events.contains(&Event::Alias { anchor: "x".into() }));
    }

    #[test]
    fn errors_repeat_and_carry_libyaml_marks() {
        let mut p = Parser::new(b"a: 1\n b: 2\n");
        let e = loop {
            match p.next() {
                Ok(_) => continue,
                Err(e) => break e,
            }
        };
        assert_eq!(e.kind, ErrorKind::Scanner);
        assert_eq!(e.problem, "mapping values are not allowed in this context");
        assert_eq!(e.problem_mark.line, 1);
        assert_eq!(p.next(), Err(e));
    }
}
