using System.Text.Json;
using Bunit;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

/// <summary>
/// A bUnit context in which Plotly.Blazor's JS module answers every call, and the calls it received — what the
/// browser would be asked to draw — can be read back as plain JSON.
/// </summary>
public abstract class ChartTestContext : BunitContext
{
    private const string InteropModule = "./_content/Plotly.Blazor/plotly-interop-7.2.0.js";

    protected ChartTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Module = JSInterop.SetupModule(InteropModule);
        Module.Mode = JSRuntimeMode.Loose;
    }

    protected BunitJSModuleInterop Module { get; }

    /// <summary>How many times Plotly was called with <paramref name="method"/> (newPlot on first render, react on redraw).</summary>
    protected int Calls(string method) => Module.Invocations[method].Count;

    /// <summary>The traces of the last <paramref name="method"/> call, as the JSON the browser receives.</summary>
    protected JsonElement[] Traces(string method = "newPlot") => [.. Argument(method, 1).EnumerateArray()];

    /// <summary>The layout of the last <paramref name="method"/> call.</summary>
    protected JsonElement Layout(string method = "newPlot") => Argument(method, 2);

    protected static double?[] Numbers(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.Null ? (double?)null : e.GetDouble())];

    private JsonElement Argument(string method, int index)
    {
        var invocations = Module.Invocations[method];
        Assert.NotEmpty(invocations);
        return JsonSerializer.SerializeToElement(invocations[^1].Arguments[index]);
    }
}
