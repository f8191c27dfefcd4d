//! SigV4 timestamps (`YYYYMMDD'T'HHMMSS'Z'`) from epoch seconds, without a date library or the
//! system clock (which panics on wasm32-unknown-unknown): callers pass the time in.

/// A signing time in SigV4's basic ISO 8601 form.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AmzDate([u8; 16]);

impl core::fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (the inverse of `civil_from_days`).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Two decimal digits of `v` (below 100).
fn two_digits(v: u32) -> [u8; 2] {
    [b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8]
}

impl AmzDate {
    /// Years outside 0..=9999 are clamped: SigV4 has no form for them.
    pub fn from_epoch_seconds(secs: i64) -> Self {
        let secs = secs.clamp(-62_167_219_200, 253_402_300_799);
        let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
        let sod = secs.rem_euclid(86_400) as u32;
        let year = y as u32;
        let [y0, y1] = two_digits(year / 100);
        let [y2, y3] = two_digits(year % 100);
        let [m0, m1] = two_digits(m);
        let [d0, d1] = two_digits(d);
        let [h0, h1] = two_digits(sod / 3600);
        let [i0, i1] = two_digits(sod / 60 % 60);
        let [s0, s1] = two_digits(sod % 60);
        let b = [y0, y1, y2, y3, m0, m1, d0, d1, b'T', h0, h1, i0, i1, s0, s1, b'Z'];
        AmzDate(b)
    }

    /// From JS epoch milliseconds (`Date.getTime()`), rounding down to the second.
    pub fn from_epoch_millis(ms: f64) -> Self {
        // `f64::floor` is not in `core`; truncate, then step down for negative fractions.
        let secs = ms / 1000.0;
        let t = secs as i64;
        Self::from_epoch_seconds(if (t as f64) > secs { t - 1 } else { t })
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `from_epoch_seconds` is the only constructor, and it writes ASCII digits, `T`
        // and `Z` only.
        unsafe { core::str::from_utf8_unchecked(&self.0) }
    }

    /// The `YYYYMMDD` part used in the credential scope.
    pub fn date(&self) -> &str {
        self.as_str().get(..8).unwrap_or("19700101")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(AmzDate::from_epoch_seconds(0).as_str(), "19700101T000000Z");
        assert_eq!(AmzDate::from_epoch_seconds(1_440_938_160).as_str(), "20150830T123600Z");
        assert_eq!(AmzDate::from_epoch_seconds(951_782_400).as_str(), "20000229T000000Z");
        assert_eq!(AmzDate::from_epoch_seconds(-1).as_str(), "19691231T235959Z");
        assert_eq!(AmzDate::from_epoch_millis(1_705_489_836_421.0).as_str(), "20240117T111036Z");
        assert_eq!(AmzDate::from_epoch_seconds(1_440_938_160).date(), "20150830");
        assert_eq!(AmzDate::from_epoch_seconds(-62_167_219_200).as_str(), "00000101T000000Z");
        assert_eq!(AmzDate::from_epoch_seconds(i64::MIN).as_str(), "00000101T000000Z");
        assert_eq!(AmzDate::from_epoch_seconds(253_402_300_799).as_str(), "99991231T235959Z");
        assert_eq!(AmzDate::from_epoch_seconds(i64::MAX).as_str(), "99991231T235959Z");
        // Every field against `format!`, over the whole range in uneven steps.
        let mut secs = -62_167_219_200i64;
        while secs <= 253_402_300_799 {
            let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
            let t = secs.rem_euclid(86_400);
            let want = format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", t / 3600, t / 60 % 60, t % 60);
            assert_eq!(AmzDate::from_epoch_seconds(secs).as_str(), want);
            secs += 9_876_543;
        }
        for days in [-800_000, -1, 0, 1, 11_016, 16_677, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, i64::from(m), i64::from(d)), days);
        }
    }
}
