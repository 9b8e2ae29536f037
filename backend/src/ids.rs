//! Ids the backend draws: a type prefix and 96 random bits (`acct_3f9c...`).

pub fn random_id(prefix: &str) -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 12];
    ring::rand::SystemRandom::new()
        .fill(&mut b)
        .expect("the system RNG works");
    format!("{prefix}_{}", hex::encode(b))
}
