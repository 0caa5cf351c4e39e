//! Settings of the binary's allocator (mimalloc), made before any thread
//! starts. Without the `mimalloc` feature this does nothing.
//!
//! Why: mimalloc 3 keeps freed memory for a second before giving it back to
//! the system. A scan frees large blocks at every stage (a file's census
//! once merged, the census once the rows are made) and allocates the next
//! stage's at once, so for that second both are resident: a million
//! distinct domains peaked at 760 MB instead of 537 MB, a gzip archive at
//! 200 MB instead of 160 MB. mimalloc 2's delay, 10 ms, costs no measurable
//! time (RELIABILITY.md, entry 14).

/// Milliseconds before freed memory is given back to the system.
pub const PURGE_DELAY_MS: i64 = 10;

/// mimalloc's `mi_option_purge_delay`, which its Rust bindings do not name
/// (they name only options they call stable); checked by a test.
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Applies the settings; call once at the start of `main`, before any
/// thread is started (mimalloc's option setters are not thread-safe).
/// `MIMALLOC_PURGE_DELAY` in the environment, which mimalloc reads itself,
/// wins over ours.
pub fn tune() {
    #[cfg(feature = "mimalloc")]
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    #[cfg(feature = "mimalloc")]
    // SAFETY: setting an option is a plain store into mimalloc's option
    // table; the caller runs it before any other thread exists.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS as std::ffi::c_long);
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    /// The option number is the purge delay's: its documented default
    /// (1000 ms in mimalloc 3) before `tune`, ours after.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reading and setting options; no other test touches them.
        unsafe {
            let default = libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY);
            assert!(
                default == 1000 || default == PURGE_DELAY_MS as std::ffi::c_long,
                "{default}"
            );
            tune();
            assert_eq!(
                libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY),
                PURGE_DELAY_MS as std::ffi::c_long
            );
        }
    }
}
