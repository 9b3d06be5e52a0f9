//! Downscaling with a Lanczos3 filter (fast_image_resize: SIMD, fixed-point
//! for 8-bit pixels), in horizontal bands so its working buffer stays a few
//! hundred kilobytes instead of a second full-width copy of the photo.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};

use super::decode::{Layout, Pixels};

/// Output rows per band: large enough that the filter's overlap between
/// bands (a few source rows each side) costs little, small enough that the
/// band's buffer stays in cache.
const BAND_ROWS: usize = 128;

/// JPEG can't store a side longer than this.
pub(crate) const JPEG_MAX_SIDE: u32 = u16::MAX as u32;

/// The size that fits `max_side` on the longest side with the same aspect
/// ratio, never larger than the original.
pub(crate) fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let max_side = max_side.min(JPEG_MAX_SIDE);
    let longest = width.max(height);
    if longest <= max_side {
        return (width, height);
    }
    let scale = |side: u32| -> u32 {
        let scaled =
            (u64::from(side) * u64::from(max_side) + u64::from(longest) / 2) / u64::from(longest);
        (scaled as u32).clamp(1, max_side)
    };
    (scale(width), scale(height))
}

/// `pixels` resized to `target` (returned as is when already that size).
/// Bands are shared among a few threads: each has its own small buffer,
/// and the source is only read.
pub(crate) fn resize(pixels: Pixels, target: (u32, u32)) -> Result<Pixels, String> {
    if (pixels.width, pixels.height) == target {
        return Ok(pixels);
    }
    let pixel_type = match pixels.layout {
        Layout::Gray => PixelType::U8,
        Layout::Rgb => PixelType::U8x3,
    };
    let source = ImageRef::new(pixels.width, pixels.height, &pixels.data, pixel_type)
        .map_err(|e| format!("source image: {e}"))?;
    let row_bytes = target.0 as usize * pixels.layout.channels();
    let mut data = vec![0; row_bytes * target.1 as usize];
    let bands = (target.1 as usize).div_ceil(BAND_ROWS);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, MAX_WORKERS)
        .min(bands);
    let job = Job {
        source,
        pixel_type,
        target,
        row_bytes,
    };
    if workers == 1 {
        job.run(&mut data, 0)?;
    } else {
        let rows_per_worker = bands.div_ceil(workers) * BAND_ROWS;
        std::thread::scope(|scope| {
            let running: Vec<_> = data
                .chunks_mut(row_bytes * rows_per_worker)
                .enumerate()
                .map(|(i, part)| {
                    let job = &job;
                    scope.spawn(move || job.run(part, i * rows_per_worker))
                })
                .collect();
            running.into_iter().try_for_each(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|_| Err("resize worker panicked".into()))
            })
        })?;
    }
    Ok(Pixels {
        width: target.0,
        height: target.1,
        layout: pixels.layout,
        data,
    })
}

/// More threads than this gain little on a 3-megapixel output and would
/// take cores from the rest of the app.
const MAX_WORKERS: usize = 4;

struct Job<'a> {
    source: ImageRef<'a>,
    pixel_type: PixelType,
    target: (u32, u32),
    row_bytes: usize,
}

impl Job<'_> {
    /// Fills `rows` (whole output rows starting at `first_row`) band by band.
    fn run(&self, rows: &mut [u8], first_row: usize) -> Result<(), String> {
        let source_width = f64::from(self.source.width());
        let source_height = f64::from(self.source.height());
        let rows_per_output_row = source_height / f64::from(self.target.1);
        let mut resizer = Resizer::new();
        for (band_index, band) in rows.chunks_mut(self.row_bytes * BAND_ROWS).enumerate() {
            let band_rows = band.len() / self.row_bytes;
            // The band's share of the source, in fractional rows: the filter
            // still reads the real rows around it, so the bands join seamlessly.
            let top = (first_row + band_index * BAND_ROWS) as f64 * rows_per_output_row;
            let height = (band_rows as f64 * rows_per_output_row).min(source_height - top);
            let options = ResizeOptions::new()
                .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
                .crop(0.0, top, source_width, height);
            let mut destination =
                Image::from_slice_u8(self.target.0, band_rows as u32, band, self.pixel_type)
                    .map_err(|e| format!("destination band: {e}"))?;
            resizer
                .resize(&self.source, &mut destination, &options)
                .map_err(|e| format!("resize: {e}"))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_the_longest_side_and_keeps_the_aspect_ratio() {
        assert_eq!(fit(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit(3000, 4000, 2048), (1536, 2048));
        assert_eq!(fit(1600, 1200, 2048), (1600, 1200));
        assert_eq!(fit(10000, 3, 100), (100, 1));
        assert_eq!(fit(2048, 2048, 2048), (2048, 2048));
    }

    #[test]
    fn bands_join_without_a_seam() {
        // A vertical gradient: any seam between bands would show as a jump.
        let (width, height) = (40u32, 1000u32);
        let data = (0..height)
            .flat_map(|y| std::iter::repeat_n((y * 255 / height) as u8, width as usize))
            .collect();
        let pixels = Pixels {
            width,
            height,
            layout: Layout::Gray,
            data,
        };
        let out = resize(pixels, (20, 500)).unwrap();
        let column: Vec<i32> = (0..500).map(|y| i32::from(out.data[y * 20 + 10])).collect();
        for pair in column.windows(2) {
            assert!((0..=1).contains(&(pair[1] - pair[0])), "{pair:?}");
        }
    }
}
