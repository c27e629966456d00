//! A fixed buffer to build test bodies in at run time (deep nesting, long documents).

/// The largest body a server accepts by default (docs/behaviour.md, section 2, check 6).
pub const MAX_BODY: usize = 4096;

/// A body under construction, up to [`MAX_BODY`] bytes.
pub struct Body {
    buf: [u8; MAX_BODY],
    len: usize,
}

impl Body {
    /// An empty body.
    pub const fn new() -> Self {
        Body { buf: [0; MAX_BODY], len: 0 }
    }

    /// Empties the body.
    pub fn clear(&mut self) -> &mut Self {
        self.len = 0;
        self
    }

    /// Appends bytes. Overflowing the buffer is a bug of the test itself: it panics, and the
    /// panic handler reports it as a failure.
    pub fn push(&mut self, bytes: &[u8]) -> &mut Self {
        let end = self.len + bytes.len();
        self.buf[self.len..end].copy_from_slice(bytes);
        self.len = end;
        self
    }

    /// Appends `bytes` `count` times.
    pub fn repeat(&mut self, bytes: &[u8], count: usize) -> &mut Self {
        for _ in 0..count {
            self.push(bytes);
        }
        self
    }

    /// Appends the decimal digits of `n`.
    pub fn number(&mut self, n: usize) -> &mut Self {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.push(&digits[i..])
    }

    /// Bytes still free.
    pub fn room(&self) -> usize {
        MAX_BODY - self.len
    }

    /// The body so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}
