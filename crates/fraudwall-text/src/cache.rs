//! Hints to the CPU's caches: the crate's only unsafe code.
//!
//! Classification is bound by loads of weight rows that miss the cache. A prefetch asks for a
//! line early, while other work goes on, and unlike a load it does not hold up the
//! instructions after it until the line arrives.

/// Asks for the cache line that holds `item`, without waiting for it.
#[inline(always)]
pub(crate) fn prefetch<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        let at: *const T = item;
        #[allow(unsafe_code)]
        // SAFETY: SSE is part of x86-64, and a prefetch reads nothing into the program: it
        // cannot fault, whatever the address
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(at.cast())
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
