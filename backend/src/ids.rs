//! Ids the backend draws: a type prefix and 96 random bits (`acct_3f9c...`).

pub fn random_id(prefix: &str) -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 12];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system RNG works");
    format!("{prefix}_{}", hex::encode(b))
}

/// A number uniform over `0..below`.
pub fn uniform_below(below: u32) -> u32 {
    use ring::rand::SecureRandom;
    let rng = ring::rand::SystemRandom::new();
    loop {
        let mut b = [0u8; 4];
        rng.fill(&mut b).expect("the system RNG works");
        let n = u32::from_be_bytes(b);
        // Rejecting the top sliver keeps every value equally likely.
        if n < u32::MAX - u32::MAX % below {
            return n % below;
        }
    }
}

/// A six-digit one-time code, uniform over 000000-999999.
pub fn one_time_code() -> String {
    format!("{:06}", uniform_below(1_000_000))
}

/// Random bytes: secrets the backend issues (pay-code secrets).
pub fn secret_bytes<const N: usize>() -> [u8; N] {
    use ring::rand::SecureRandom;
    let mut b = [0u8; N];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system RNG works");
    b
}

/// A biller's confirmation number as the sandbox billers issue them: 12 random digits.
pub fn confirmation_number() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 8];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system RNG works");
    format!("CNF{:012}", u64::from_be_bytes(b) % 1_000_000_000_000)
}
