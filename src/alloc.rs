//! Settings of the binary's allocator (mimalloc), made before any thread
//! starts. Without the `mimalloc` feature this does nothing.
//!
//! Why: mimalloc 3 keeps freed memory for a second before giving it back to
//! the system. A scan frees large blocks at every stage (a file's census
//! once merged, the census once the rows are made) and allocates the next
//! stage's at once, so for that second both are resident: a million
//! distinct domains peaked at 760 MB instead of 537 MB (RELIABILITY.md,
//! entry 14). A short delay fixes that, but each block given back and
//! taken again is faulted in again, and with transparent huge pages each
//! fault zeroes 2 MiB: a sixth of a Microsoft 365 scan was the kernel
//! clearing pages. So huge pages are off for the process, the delay is
//! 100 ms, and [`release`] gives memory back at once between stages
//! (RELIABILITY.md, entry 18: less time and less memory on every input
//! measured).

/// Milliseconds before freed memory is given back to the system.
pub const PURGE_DELAY_MS: i64 = 100;

/// mimalloc's `mi_option_purge_delay` and `mi_option_allow_thp`, which its
/// Rust bindings do not name (they name only options they call stable);
/// checked by a test.
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
#[cfg(feature = "mimalloc")]
const MI_OPTION_ALLOW_THP: libmimalloc_sys::mi_option_t = 43;

/// Applies the settings; call once at the start of `main`, before any
/// thread is started (mimalloc's option setters are not thread-safe).
/// `MIMALLOC_PURGE_DELAY` and `MIMALLOC_ALLOW_THP` in the environment,
/// which mimalloc reads itself, win over ours.
pub fn tune() {
    #[cfg(feature = "mimalloc")]
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is a plain store into mimalloc's option
        // table; the caller runs it before any other thread exists.
        unsafe {
            libmimalloc_sys::mi_option_set(
                MI_OPTION_PURGE_DELAY,
                PURGE_DELAY_MS as std::ffi::c_long,
            );
        }
    }
    #[cfg(feature = "mimalloc")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // The option stops mimalloc asking for huge pages from now on; the
        // memory it mapped before `main` was already asked for, so the
        // process as a whole is told not to use them (what mimalloc itself
        // does when the option comes from the environment). Failure only
        // leaves huge pages on.
        // SAFETY: as above; `prctl(PR_SET_THP_DISABLE)` only sets a flag of
        // this process.
        unsafe {
            libmimalloc_sys::mi_option_set(MI_OPTION_ALLOW_THP, 0);
            #[cfg(any(target_os = "linux", target_os = "android"))]
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

/// Gives the memory freed so far back to the system now instead of after
/// the purge delay. Called between the stages of a run, where one stage's
/// structures have just been freed and the next one's are about to be made.
pub fn release() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: `mi_collect` may be called from any thread at any time.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    /// The option numbers are the purge delay's and the huge pages': their
    /// defaults (1000 ms and 1 in mimalloc 3; its `options.c` gives the
    /// neighbours of the second 32 and 0) before `tune`, ours after.
    #[test]
    fn the_options_set_are_the_purge_delay_and_huge_pages() {
        // SAFETY: reading and setting options; no other test touches them.
        unsafe {
            let get = |o| libmimalloc_sys::mi_option_get(o);
            let delay = get(MI_OPTION_PURGE_DELAY);
            assert!(
                delay == 1000 || delay == PURGE_DELAY_MS as std::ffi::c_long,
                "{delay}"
            );
            let thp = get(MI_OPTION_ALLOW_THP);
            assert!(thp == 1 || thp == 0, "{thp}");
            assert_eq!(
                (get(MI_OPTION_ALLOW_THP - 1), get(MI_OPTION_ALLOW_THP + 1)),
                (32, 0)
            );
            tune();
            assert_eq!(
                get(MI_OPTION_PURGE_DELAY),
                PURGE_DELAY_MS as std::ffi::c_long
            );
            assert_eq!(get(MI_OPTION_ALLOW_THP), 0);
            #[cfg(any(target_os = "linux", target_os = "android"))]
            assert_eq!(libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0), 1);
            release();
        }
    }
}
