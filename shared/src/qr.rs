//! QR codes as PNG images, for authenticator apps to scan. The PNG is written
//! here (one bit per pixel, stored deflate blocks): a few kilobytes, and no image
//! library in the binaries.

use anyhow::Context;
use qrcode::{Color, EcLevel, QrCode};

/// Pixels per QR module.
const SCALE: usize = 4;
/// Modules of white border the QR standard asks for.
const QUIET_ZONE: usize = 4;

/// The PNG of a QR code holding `text`.
pub fn qr_png(text: &str) -> anyhow::Result<Vec<u8>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .context("the text does not fit in a QR code")?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let row_bytes = side.div_ceil(8);

    // Scanlines: a filter byte (0, none), then the pixels, 1 = white.
    let mut raw = Vec::with_capacity((row_bytes + 1) * side);
    for y in 0..side {
        raw.push(0);
        let mut row = vec![0u8; row_bytes];
        for x in 0..side {
            let dark = match (
                (x / SCALE).checked_sub(QUIET_ZONE),
                (y / SCALE).checked_sub(QUIET_ZONE),
            ) {
                (Some(mx), Some(my)) if mx < modules && my < modules => {
                    colors[my * modules + mx] == Color::Dark
                }
                _ => false,
            };
            if !dark {
                row[x / 8] |= 0x80 >> (x % 8);
            }
        }
        raw.extend_from_slice(&row);
    }

    let side = u32::try_from(side).context("a QR code too large")?;
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::with_capacity(13);
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    // Bit depth 1, greyscale, deflate, adaptive filtering, no interlace.
    header.extend_from_slice(&[1, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    Ok(png)
}

fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    let length = u32::try_from(data.len()).expect("a PNG chunk under 4 GiB");
    png.extend_from_slice(&length.to_be_bytes());
    png.extend_from_slice(kind);
    png.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    png.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A zlib stream of stored (uncompressed) deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (index, block) in blocks.iter().enumerate() {
        let last = u8::from(index + 1 == blocks.len());
        let length = u16::try_from(block.len()).expect("a block of at most 65,535 bytes");
        out.push(last);
        out.extend_from_slice(&length.to_le_bytes());
        out.extend_from_slice(&(!length).to_le_bytes());
        out.extend_from_slice(block);
    }
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_has_its_signature_header_and_a_valid_zlib_checksum() {
        let png = qr_png("otpauth://totp/Example%20LLP:ada?secret=GEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let side = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(side % 4, 0);
        assert!(png.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
    }

    #[test]
    fn adler32_matches_the_reference_value() {
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
    }
}
