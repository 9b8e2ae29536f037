//! CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor): the EMVCo
//! MPM checksum, computed over the UTF-8 bytes of the payload up to and including `6304`.

const TABLE: [u16; 256] = {
    let mut t = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = (i as u16) << 8;
        let mut b = 0;
        while b < 8 {
            c = if c & 0x8000 != 0 {
                (c << 1) ^ 0x1021
            } else {
                c << 1
            };
            b += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

pub fn crc16_ccitt_false(data: &[u8]) -> u16 {
    data.iter().fold(0xFFFF, |crc, &b| {
        (crc << 8) ^ TABLE[usize::from(((crc >> 8) as u8) ^ b)]
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn check_value() {
        // The catalogue check value of CRC-16/CCITT-FALSE.
        assert_eq!(super::crc16_ccitt_false(b"123456789"), 0x29B1);
        assert_eq!(super::crc16_ccitt_false(b""), 0xFFFF);
    }
}
