using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Playwright;

namespace OneOff.EndToEnd.Tests;

/// <summary>
/// What a Plotly chart really drew, read in the browser: its SVG data layers (traces with drawn paths, heatmap images) and,
/// for WebGL traces, the pixels of its WebGL canvas (<c>.main-svg</c> alone also appears when WebGL fails).
/// </summary>
internal static class ChartProbe
{
    // Plotly's regl canvases keep their drawing buffer (for image export), so drawing one into a 2D canvas
    // reads what the GPU (SwiftShader here) drew: count the pixels near each class colour.
    private const string Script = """
        figure => {
          const gd = figure.querySelector('.js-plotly-plot');
          const probe = document.createElement('canvas');
          const webGl = !!(probe.getContext('webgl') || probe.getContext('experimental-webgl'));
          const result = {
            webGlAvailable: webGl,
            plotted: !!gd && Array.isArray(gd.data),
            traces: gd ? [...gd.querySelectorAll('.cartesianlayer .trace')].filter(t =>
              [...t.querySelectorAll('path')].some(p => (p.getAttribute('d') || '').length > 10)).length : 0,
            images: gd ? [...gd.querySelectorAll('.cartesianlayer .hm image')].filter(i => (i.getAttribute('href') || i.getAttribute('xlink:href') || '').length > 100).length : 0,
            glCanvases: 0, glPixels: 0, green: 0, red: 0, blue: 0,
          };
          if (!gd) { return result; }
          const classes = [[44, 160, 44, 'green'], [214, 39, 40, 'red'], [31, 119, 180, 'blue']];
          for (const canvas of gd.querySelectorAll('canvas.gl-canvas-context')) {
            if (!canvas.width || !canvas.height) { continue; }
            result.glCanvases++;
            const copy = document.createElement('canvas');
            copy.width = canvas.width; copy.height = canvas.height;
            const ctx = copy.getContext('2d');
            ctx.drawImage(canvas, 0, 0);
            const px = ctx.getImageData(0, 0, copy.width, copy.height).data;
            for (let i = 0; i < px.length; i += 4) {
              if (px[i + 3] < 32) { continue; }
              result.glPixels++;
              for (const [r, g, b, name] of classes) {
                if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 60) { result[name]++; }
              }
            }
          }
          return result;
        }
        """;

    public static async Task<ChartDrawing> ReadAsync(ILocator figure) =>
        (await figure.EvaluateAsync<JsonElement>(Script)).Deserialize<ChartDrawing>() ?? throw new InvalidOperationException("The chart probe returned nothing.");
}

internal sealed record ChartDrawing(
    [property: JsonPropertyName("webGlAvailable")] bool WebGlAvailable,
    [property: JsonPropertyName("plotted")] bool Plotted,
    [property: JsonPropertyName("traces")] int Traces,
    [property: JsonPropertyName("images")] int Images,
    [property: JsonPropertyName("glCanvases")] int GlCanvases,
    [property: JsonPropertyName("glPixels")] int GlPixels,
    [property: JsonPropertyName("green")] int Green,
    [property: JsonPropertyName("red")] int Red,
    [property: JsonPropertyName("blue")] int Blue);
