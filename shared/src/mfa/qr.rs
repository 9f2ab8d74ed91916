//! QR codes as PNG images, for authenticator apps to scan: the `qrcode` crate
//! lays out the modules, the `png` crate writes them (one bit per pixel).

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

    // Packed rows, most significant bit first, 1 = white.
    let mut pixels = vec![0u8; row_bytes * side];
    for y in 0..side {
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
                pixels[y * row_bytes + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }

    let side = u32::try_from(side).context("a QR code too large")?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::One);
    let mut writer = encoder.write_header().context("writing the PNG header")?;
    writer
        .write_image_data(&pixels)
        .context("writing the PNG image")?;
    writer.finish().context("finishing the PNG")?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_png_has_its_signature_header_and_a_valid_zlib_checksum() {
        let png_bytes = qr_png("otpauth://totp/Example%20LLP:ada?secret=GEZDGNBVGY3TQOJQ").unwrap();
        assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png_bytes[12..16], b"IHDR");
        let side = u32::from_be_bytes(png_bytes[16..20].try_into().unwrap());
        assert_eq!(side % 4, 0);
        assert!(png_bytes.ends_with(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xae, 0x42, 0x60, 0x82]));
        // The png crate's own decoder reads it back, checksums and all.
        let decoder = png::Decoder::new(std::io::Cursor::new(&png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut image = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut image).unwrap();
        assert_eq!((frame.width, frame.height), (side, side));
    }
}
