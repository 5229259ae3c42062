//! A photo handed in as evidence: recognised by its content (never by its name), decoded
//! under explicit size, pixel and memory limits, its EXIF time and position read, and a
//! display copy and a thumbnail derived. Re-encoding from pixels drops all metadata from
//! the copies; the original is kept byte for byte elsewhere.

use chrono::NaiveDateTime;
use image::{DynamicImage, ImageFormat, ImageReader, metadata::Orientation};
use sha2::{Digest, Sha256};
use std::io::Cursor;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    /// Width × height; a 20,000 × 20,000 image is refused before any pixel is decoded.
    pub max_pixels: u64,
    /// Memory the decoder may allocate.
    pub max_alloc: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 15 * 1024 * 1024,
            // A 50-megapixel phone camera is 8160 × 6120; beyond that a photo is either a
            // rare 108 MP mode (which phones save binned to 12 MP by default) or a bomb.
            max_pixels: 52_000_000,
            // The decoded image: 50 MP of RGBA at one byte a channel, with room to spare.
            max_alloc: 256 * 1024 * 1024,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    WebP,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Format::Jpeg => ImageFormat::Jpeg,
            Format::Png => ImageFormat::Png,
            Format::WebP => ImageFormat::WebP,
        }
    }
}

/// Why a file is not accepted, in words for the person who chose it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PhotoError {
    #[error("文件是空的（0 字节），请重新选择照片。")]
    Empty,
    #[error("文件太大（{size_mb:.1} MB），单张照片不能超过 {max_mb} MB。")]
    TooLarge { size_mb: f64, max_mb: usize },
    #[error("这不是照片文件{what}：只接受 JPEG、PNG、WebP 格式的图片。")]
    NotAPhoto { what: &'static str },
    #[error("图片尺寸过大（{width} × {height} 像素），请用手机正常拍摄的照片。")]
    TooManyPixels { width: u32, height: u32 },
    #[error("图片解码需要约 {needed_mb} MB 内存，超过 {max_mb} MB 上限，请用手机正常拍摄的照片。")]
    TooMuchMemory { needed_mb: u64, max_mb: u64 },
    #[error("图片文件已损坏或不完整，无法打开，请重新拍摄或选择。")]
    Corrupt,
}

impl PhotoError {
    /// A stable code for counting refusals.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Empty => "empty",
            PhotoError::TooLarge { .. } => "too_large",
            PhotoError::NotAPhoto { .. } => "not_a_photo",
            PhotoError::TooManyPixels { .. } => "too_many_pixels",
            PhotoError::TooMuchMemory { .. } => "too_much_memory",
            PhotoError::Corrupt => "corrupt",
        }
    }
}

/// What the EXIF block says about when and where the photo was taken.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Exif {
    /// DateTimeOriginal as written by the camera: local time, no zone.
    pub taken_at: Option<NaiveDateTime>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Processed {
    pub sha256: String,
    pub format: Format,
    pub width: u32,
    pub height: u32,
    pub exif: Exif,
    /// JPEG, at most 1600 px on the long side, upright, without metadata.
    pub display: Vec<u8>,
    /// JPEG, at most 320 px on the long side.
    pub thumbnail: Vec<u8>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The format by magic bytes, or a guess at what else the file is for the message.
pub fn sniff(bytes: &[u8]) -> Result<Format, PhotoError> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        return Ok(Format::WebP);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_ascii_lowercase();
    let what = if bytes.starts_with(b"%PDF") {
        "（是 PDF 文档）"
    } else if head.contains("<svg") {
        "（是 SVG 矢量图）"
    } else if bytes.starts_with(b"GIF8") {
        "（是 GIF 动图）"
    } else if bytes.starts_with(b"PK\x03\x04") {
        "（是压缩包或 Office 文档）"
    } else if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        "（是 HEIC 或视频，请在手机设置中改为“兼容性最佳”后重拍）"
    } else {
        ""
    };
    Err(PhotoError::NotAPhoto { what })
}

/// Checks, decodes and derives; nothing is stored here.
pub fn process(bytes: &[u8], limits: &Limits) -> Result<Processed, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            size_mb: bytes.len() as f64 / 1024.0 / 1024.0,
            max_mb: limits.max_bytes / 1024 / 1024,
        });
    }
    let format = sniff(bytes)?;
    // The JPEG decoder fills in a cut-off image with grey rather than failing; a camera
    // always ends the file with an EOI marker (FF D9), so a file without one near its
    // end was cut off in transfer.
    if format == Format::Jpeg {
        let tail = &bytes[bytes.len().saturating_sub(4096)..];
        if !tail.windows(2).any(|w| w == [0xFF, 0xD9]) {
            return Err(PhotoError::Corrupt);
        }
    }
    // Everything about the cost comes from the header, before a pixel is decoded: the
    // dimensions, and the colour type that says how many bytes each pixel takes.
    let reader = || ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let decoder = reader().into_decoder().map_err(|_| PhotoError::Corrupt)?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    let needed = image::ImageDecoder::total_bytes(&decoder);
    if needed > limits.max_alloc {
        return Err(PhotoError::TooMuchMemory {
            needed_mb: needed.div_ceil(1024 * 1024),
            max_mb: limits.max_alloc / 1024 / 1024,
        });
    }
    drop(decoder);
    let mut r = reader();
    let mut l = image::Limits::default();
    l.max_image_width = Some(width);
    l.max_image_height = Some(height);
    l.max_alloc = Some(limits.max_alloc);
    r.limits(l);
    let img = r.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => PhotoError::TooMuchMemory {
            needed_mb: needed.div_ceil(1024 * 1024),
            max_mb: limits.max_alloc / 1024 / 1024,
        },
        _ => PhotoError::Corrupt,
    })?;
    let (exif, orientation) = read_exif(bytes);
    // Shrink first, then turn: turning the full image would hold it twice.
    let mut display = shrink(img, 1600);
    if let Some(o) = orientation {
        display.apply_orientation(o);
    }
    let thumbnail = jpeg(&shrink(display.clone(), 320))?;
    Ok(Processed {
        sha256: sha256_hex(bytes),
        format,
        width,
        height,
        exif,
        display: jpeg(&display)?,
        thumbnail,
    })
}

/// The image at most `max_side` on its long side (the same image when smaller).
fn shrink(img: DynamicImage, max_side: u32) -> DynamicImage {
    if img.width().max(img.height()) > max_side {
        img.thumbnail(max_side, max_side)
    } else {
        img
    }
}

fn jpeg(img: &DynamicImage) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(&img.to_rgb8())
        .map_err(|_| PhotoError::Corrupt)?;
    Ok(out)
}

fn read_exif(bytes: &[u8]) -> (Exif, Option<Orientation>) {
    use exif::{In, Tag, Value};
    let Ok(data) = exif::Reader::new().read_from_container(&mut Cursor::new(bytes)) else {
        return (Exif::default(), None);
    };
    let text = |tag| {
        data.get_field(tag, In::PRIMARY)
            .map(|f| f.display_value().to_string())
    };
    let taken_at = text(Tag::DateTimeOriginal)
        .or_else(|| text(Tag::DateTime))
        .and_then(|t| NaiveDateTime::parse_from_str(t.trim_matches('"'), "%Y-%m-%d %H:%M:%S").ok());
    let degrees = |tag, reference, negative: &str| {
        let f = data.get_field(tag, In::PRIMARY)?;
        let Value::Rational(ref parts) = f.value else {
            return None;
        };
        let [d, m, s] = parts.get(0..3)? else {
            return None;
        };
        let v = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
        let sign = match text(reference) {
            Some(r) if r.contains(negative) => -1.0,
            _ => 1.0,
        };
        v.is_finite().then_some(sign * v)
    };
    let orientation = data
        .get_field(Tag::Orientation, In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .and_then(Orientation::from_exif);
    (
        Exif {
            taken_at,
            latitude: degrees(Tag::GPSLatitude, Tag::GPSLatitudeRef, "S"),
            longitude: degrees(Tag::GPSLongitude, Tag::GPSLongitudeRef, "W"),
        },
        orientation,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(width, height, image::Rgb([200, 120, 40]));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn jpeg_bytes(width: u32, height: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(
            width,
            height,
            image::Rgb([10, 120, 40]),
        ));
        jpeg(&img).unwrap()
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn a_photo_is_recognised_by_content_and_derived() {
        let p = process(&png(2400, 1200), &Limits::default()).unwrap();
        assert_eq!((p.format, p.width, p.height), (Format::Png, 2400, 1200));
        assert_eq!(p.sha256.len(), 64);
        let d = image::load_from_memory(&p.display).unwrap();
        assert_eq!((d.width(), d.height()), (1600, 800));
        let t = image::load_from_memory(&p.thumbnail).unwrap();
        assert_eq!(t.width(), 320);
        assert_eq!(sniff(&p.display), Ok(Format::Jpeg));
        assert!(process(&jpeg_bytes(64, 48), &Limits::default()).is_ok());
    }

    #[test]
    fn what_is_not_a_photo_is_refused_with_a_reason() {
        let l = Limits::default();
        assert_eq!(process(b"", &l).unwrap_err(), PhotoError::Empty);
        let pdf = process(b"%PDF-1.7\n%...", &l).unwrap_err();
        assert!(pdf.to_string().contains("PDF"), "{pdf}");
        let svg = process(
            b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            &l,
        )
        .unwrap_err();
        assert!(svg.to_string().contains("SVG"));
        let mut truncated = jpeg_bytes(640, 480);
        truncated.truncate(truncated.len() / 3);
        assert_eq!(process(&truncated, &l).unwrap_err(), PhotoError::Corrupt);
        let big = Limits {
            max_bytes: 100,
            ..l
        };
        assert!(matches!(
            process(&png(100, 100), &big).map(|_| ()).unwrap_err(),
            PhotoError::TooLarge { .. }
        ));
    }

    /// A decompression bomb: a small file declaring 20,000 × 20,000 pixels is refused from
    /// its header, before any pixel is decoded.
    #[test]
    fn a_decompression_bomb_is_refused_not_fatal() {
        let mut bytes = png(1, 1);
        // IHDR: type at 12..16, width and height at 16..24, its CRC at 29..33.
        bytes[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        let e = process(&bytes, &Limits::default()).map(|_| ()).unwrap_err();
        assert_eq!(
            e,
            PhotoError::TooManyPixels {
                width: 20_000,
                height: 20_000
            }
        );
        assert!(e.to_string().contains("20000 × 20000"));
        // A real one, within the pixel count but over the memory the decoder may use.
        let tight = Limits {
            max_alloc: 1024,
            ..Limits::default()
        };
        assert!(matches!(
            process(&png(200, 200), &tight).unwrap_err(),
            PhotoError::TooMuchMemory { .. }
        ));
    }

    /// A lossless WebP of 10,000 × 10,000 pixels in a few dozen bytes: refused from its
    /// header (it would take 400 MB decoded).
    #[test]
    fn a_tiny_webp_claiming_a_huge_canvas_is_refused_from_its_header() {
        let bytes = tiny_webp(10_000, 10_000);
        assert!(bytes.len() < 64, "{}", bytes.len());
        assert_eq!(
            process(&bytes, &Limits::default()).unwrap_err(),
            PhotoError::TooManyPixels {
                width: 10_000,
                height: 10_000
            }
        );
        // Within the pixel count, the decoded size is what counts: 7,000 × 7,000 RGBA is
        // 196 MB, allowed; with 100 MB allowed it is refused before decoding.
        let tight = Limits {
            max_alloc: 100 * 1024 * 1024,
            ..Limits::default()
        };
        assert!(matches!(
            process(&tiny_webp(7_000, 7_000), &tight).unwrap_err(),
            PhotoError::TooMuchMemory { needed_mb: 187, .. }
        ));
    }

    /// A VP8L (lossless) WebP header of the given size, with an alpha channel and almost
    /// no image data: what a bomb looks like.
    pub(crate) fn tiny_webp(width: u32, height: u32) -> Vec<u8> {
        let bits = (width - 1) | ((height - 1) << 14) | (1 << 28);
        let mut vp8l = vec![0x2f];
        vp8l.extend_from_slice(&bits.to_le_bytes());
        vp8l.extend_from_slice(&[0, 0, 0, 0, 0]);
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&((4 + 8 + vp8l.len()) as u32).to_le_bytes());
        out.extend_from_slice(b"WEBPVP8L");
        out.extend_from_slice(&(vp8l.len() as u32).to_le_bytes());
        out.extend_from_slice(&vp8l);
        out
    }
}

/// A PDF document handed in as material (e.g. a progress report's attachment): recognised
/// by content, bounded in size, and whole (a cut-off file lacks its `%%EOF`). It is kept
/// as it is; nothing is derived from it. Returns its SHA-256.
pub fn check_pdf(bytes: &[u8], limits: &Limits) -> Result<String, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(PhotoError::TooLarge {
            size_mb: bytes.len() as f64 / 1024.0 / 1024.0,
            max_mb: limits.max_bytes / 1024 / 1024,
        });
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(PhotoError::NotAPhoto { what: "" });
    }
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    if !tail.windows(5).any(|w| w == b"%%EOF") {
        return Err(PhotoError::Corrupt);
    }
    Ok(sha256_hex(bytes))
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn seeds() -> Vec<Vec<u8>> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_fn(48, 32, |x, y| {
            image::Rgb([(x * 5) as u8, (y * 7) as u8, 90])
        }));
        [ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::WebP]
            .into_iter()
            .map(|f| {
                let mut out = Vec::new();
                img.write_to(&mut Cursor::new(&mut out), f).unwrap();
                out
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
        // Longer runs: JIANGUAN_FUZZ_CASES=20000 cargo test …
        std::env::var("JIANGUAN_FUZZ_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(300),
    ))]

        /// Byte mutations of real photos (and of a PDF) never panic, never decode to more
        /// than the limits allow, and what is accepted has its derived copies.
        #[test]
        fn mutated_photos_are_refused_or_processed_within_limits(
            which in 0usize..3,
            flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..12),
            cut in proptest::option::of(any::<usize>()),
        ) {
            let mut bytes = seeds().swap_remove(which);
            for (at, b) in flips {
                let i = at % bytes.len();
                bytes[i] = b;
            }
            if let Some(c) = cut {
                bytes.truncate(c % bytes.len() + 1);
            }
            let limits = Limits { max_alloc: 8 * 1024 * 1024, ..Limits::default() };
            if let Ok(p) = process(&bytes, &limits) {
                prop_assert!(u64::from(p.width) * u64::from(p.height) <= limits.max_pixels);
                prop_assert!(!p.display.is_empty() && !p.thumbnail.is_empty());
            }
            let mut pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();
            pdf.extend_from_slice(&bytes[..bytes.len().min(64)]);
            let _ = check_pdf(&pdf, &limits);
            let _ = sniff(&bytes);
        }
    }
}

#[cfg(test)]
mod pdf_tests {
    use super::*;

    #[test]
    fn a_whole_pdf_is_accepted_and_a_cut_one_refused() {
        let l = Limits::default();
        let pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
        assert_eq!(check_pdf(pdf, &l).unwrap(), sha256_hex(pdf));
        assert_eq!(check_pdf(&pdf[..20], &l).unwrap_err(), PhotoError::Corrupt);
        assert_eq!(check_pdf(b"", &l).unwrap_err(), PhotoError::Empty);
        assert!(matches!(
            check_pdf(b"<svg/>", &l).unwrap_err(),
            PhotoError::NotAPhoto { .. }
        ));
    }
}
