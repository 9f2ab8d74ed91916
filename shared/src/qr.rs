//! QR codes: the `qrcode` crate lays out the modules. As a PNG image (the `png`
//! crate writes it, one bit per pixel) for authenticator apps to scan from the
//! portal; as an HTML table for emails, which show no image that is not fetched
//! from somewhere (a fetched one would hand the link to every image proxy) or
//! attached.

use std::fmt::Write as _;

use anyhow::Context;
use html_escape::encode_double_quoted_attribute;
use qrcode::{Color, EcLevel, QrCode};

/// Pixels per QR module.
const SCALE: usize = 4;
/// Modules of white border the QR standard asks for.
const QUIET_ZONE: usize = 4;

fn modules(text: &str) -> anyhow::Result<(usize, Vec<Color>)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .context("the text does not fit in a QR code")?;
    Ok((code.width(), code.to_colors()))
}

/// A QR code holding `text` as an HTML table of black and white cells (each run
/// of one colour in a row one cell), inline styles only, as email clients want;
/// `label` is what a screen reader announces.
pub fn qr_html_table(text: &str, label: &str) -> anyhow::Result<String> {
    let (width, colors) = modules(text)?;
    let quiet = QUIET_ZONE * SCALE;
    let mut html = format!(
        "<table role=\"img\" aria-label=\"{}\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"border-collapse:collapse;background:#fff;border:{quiet}px solid #fff\">",
        encode_double_quoted_attribute(label),
    );
    for row in colors.chunks(width) {
        html.push_str("<tr>");
        let mut x = 0;
        while x < width {
            let color = row[x];
            let run = row[x..].iter().take_while(|c| **c == color).count();
            let background = if color == Color::Dark { "#000" } else { "#fff" };
            let _ = write!(
                html,
                "<td colspan=\"{run}\" style=\"width:{}px;height:{SCALE}px;line-height:0;font-size:0;background:{background}\"></td>",
                run * SCALE
            );
            x += run;
        }
        html.push_str("</tr>");
    }
    html.push_str("</table>");
    Ok(html)
}

/// The PNG of a QR code holding `text`.
pub fn qr_png(text: &str) -> anyhow::Result<Vec<u8>> {
    let (width, colors) = modules(text)?;
    let side = (width + 2 * QUIET_ZONE) * SCALE;
    let row_bytes = side.div_ceil(8);

    // Packed rows, most significant bit first, 1 = white.
    let mut pixels = vec![0u8; row_bytes * side];
    for y in 0..side {
        for x in 0..side {
            let dark = match (
                (x / SCALE).checked_sub(QUIET_ZONE),
                (y / SCALE).checked_sub(QUIET_ZONE),
            ) {
                (Some(mx), Some(my)) if mx < width && my < width => {
                    colors[my * width + mx] == Color::Dark
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

    /// The table read back into its modules (true = dark), row by row.
    fn table_modules(html: &str) -> Vec<Vec<bool>> {
        html.split("<tr>")
            .skip(1)
            .map(|row| {
                row.split("<td colspan=\"")
                    .skip(1)
                    .flat_map(|cell| {
                        let run: usize = cell[..cell.find('"').unwrap()].parse().unwrap();
                        std::iter::repeat_n(cell.contains("background:#000"), run)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_email_table_decodes_to_the_link_it_holds() {
        let link = "https://portal.example-firm.com/recovery?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
        let html = qr_html_table(link, "QR code of the link").unwrap();
        assert!(html.starts_with("<table role=\"img\" aria-label=\"QR code of the link\""));
        let rows = table_modules(&html);
        let side = rows.len();
        assert!(rows.iter().all(|row| row.len() == side), "a square");
        // Drawn as the email shows it: SCALE pixels a module, a white border.
        let border = QUIET_ZONE;
        let full = (side + 2 * border) * SCALE;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(full, full, |x, y| {
            let (x, y) = (x / SCALE, y / SCALE);
            let dark = x >= border
                && y >= border
                && x < side + border
                && y < side + border
                && rows[y - border][x - border];
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, link);
    }

    #[test]
    fn the_label_is_escaped() {
        let html = qr_html_table("x", "a \"quoted\" <label>").unwrap();
        assert!(
            html.contains("aria-label=\"a &quot;quoted&quot; "),
            "{html}"
        );
    }

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
