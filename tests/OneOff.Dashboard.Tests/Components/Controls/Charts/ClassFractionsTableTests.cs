using Bunit;
using OneOff.Core.Query;
using OneOff.Dashboard.Components.Controls.Charts;

namespace OneOff.Dashboard.Tests.Components.Controls.Charts;

public sealed class ClassFractionsTableTests : BunitContext
{
    [Fact]
    public void Render_Fractions_PrintsEachClassShareAndTheRowCounts()
    {
        var table = Render<ClassFractionsTable>(p => p.Add(c => c.Fractions, new ClassFractions(new ClassCounts(3000, 6000, 6000), new ClassCounts(1000, 2000, 2000))));

        var rows = table.FindAll("tbody tr").Select(r => r.Children.Select(cell => cell.TextContent.Trim()).ToArray()).ToArray();
        Assert.Equal(["train", "0.200", "0.400", "0.400", "15,000"], rows[0]);
        Assert.Equal(["test", "0.200", "0.400", "0.400", "5,000"], rows[1]);
        Assert.Equal(["data set", "X", "O", "B", "rows"], table.FindAll("thead th").Select(h => h.TextContent));
    }
}
