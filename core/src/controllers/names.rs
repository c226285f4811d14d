//! Generated names, exactly in the apiserver's and controllers' alphabets: the pod-template-hash
//! of a Deployment's ReplicaSets (`controller.ComputeHash`) and the random suffixes of
//! `generateName` (`rand.String`), both over `rand.SafeEncodeString`'s vowel-free alphabet so a
//! name never spells a word.

use crate::api::PodTemplateSpec;
use crate::sim::Pcg32;

/// apimachinery `util/rand` alphanums: no vowels, no `0`, `1`, `3` (look-alikes).
pub const ALPHANUMS: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1a, 32 bit (Go's `hash/fnv.New32a`).
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// `rand.SafeEncodeString`: every byte mapped into [`ALPHANUMS`] by `byte % 27`.
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()]))
        .collect()
}

/// `controller.ComputeHash`: FNV-32a over the pod template, printed in decimal, then
/// safe-encoded (`6f66576498`). Kubernetes hashes a spew dump of the Go struct; we hash the
/// template's canonical JSON, which has the same property: equal templates, equal hash.
pub fn pod_template_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut h = Fnv32a(0x811c_9dc5);
    // Writing into the hasher cannot fail; an error would only mean a non-serializable value.
    let _ = serde_json::to_writer(&mut h, template);
    if let Some(n) = collision_count {
        // Go appends the count's little-endian bytes to the hasher state.
        h.add(&(n as u32).to_le_bytes());
    }
    safe_encode(&h.0.to_string())
}

/// FNV-1a as an `io::Write` sink, so templates hash without building their JSON string.
struct Fnv32a(u32);

impl Fnv32a {
    fn add(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u32::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0193);
        }
    }
}

impl std::io::Write for Fnv32a {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.add(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `rand.String(n)`: `n` characters drawn uniformly from [`ALPHANUMS`].
pub fn random_suffix(rng: &mut Pcg32, n: usize) -> String {
    (0..n)
        .map(|_| char::from(ALPHANUMS[rng.index(ALPHANUMS.len())]))
        .collect()
}

/// `n` lowercase hex digits from the PRNG (container IDs, image digests).
pub fn random_hex(rng: &mut Pcg32, n: usize) -> String {
    let mut s = String::with_capacity(n + 8);
    while s.len() < n {
        crate::cluster::push_hex(&mut s, u64::from(rng.next_u32()), 8);
    }
    s.truncate(n);
    s
}

/// `n` hex digits derived from `seed` text alone (stable image digests per image name).
pub fn stable_hex(seed: &str, n: usize) -> String {
    let mut rng = Pcg32::new(u64::from(fnv32a(seed.as_bytes())), 0x1a6e);
    random_hex(&mut rng, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv32a_matches_reference_vectors() {
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c_292c);
        assert_eq!(fnv32a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn safe_encode_maps_digits_like_apimachinery() {
        // '0'..'9' are bytes 48..57; 48 % 27 = 21 -> '4', 54 % 27 = 0 -> 'b'.
        assert_eq!(safe_encode("0123456789"), "456789bcdf");
        assert_eq!(safe_encode("2746657623"), "6c8bb9cb67");
    }

    #[test]
    fn template_hash_has_compute_hash_shape() {
        let mut t = PodTemplateSpec::default();
        t.metadata.labels.insert("app".into(), "web".into());
        let h = pod_template_hash(&t, None);
        assert!((1..=10).contains(&h.len()), "{h}");
        assert!(h.bytes().all(|b| b"456789bcdf".contains(&b)), "{h}");
        assert_eq!(h, pod_template_hash(&t.clone(), None));
        assert_ne!(h, pod_template_hash(&t, Some(1)));
        t.metadata.labels.insert("tier".into(), "x".into());
        assert_ne!(h, pod_template_hash(&t, None));
    }

    #[test]
    fn hex_writers_match_format() {
        let mut rng = Pcg32::new(3, 9);
        let mut twin = rng.clone();
        let hex = random_hex(&mut rng, 20);
        let a = twin.next_u32();
        let b = twin.next_u32();
        let c = twin.next_u32();
        assert_eq!(hex, format!("{a:08x}{b:08x}{c:08x}")[..20]);
        let mut rng = Pcg32::new(5, 1);
        let mut twin = rng.clone();
        let uid = crate::cluster::uid_from(&mut rng);
        let (a, b) = (twin.next_u64(), twin.next_u64());
        let want = format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | ((b >> 48) & 0x3fff),
            b & 0xffff_ffff_ffff
        );
        assert_eq!(uid, want);
    }

    #[test]
    fn random_suffix_uses_the_alphabet() {
        let mut rng = Pcg32::new(7, 7);
        let s = random_suffix(&mut rng, 5);
        assert_eq!(s.len(), 5);
        assert!(s.bytes().all(|b| ALPHANUMS.contains(&b)));
    }
}
