using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Configuration;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary><c>OneOff:Runs:AdoptionIntervalSeconds</c>: 0 (off) or 1 s to a day; anything else stops the start in one line naming it.</summary>
public sealed class AdoptionIntervalOptionsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(RunsOptions.MaxAdoptionIntervalSeconds)]
    public void Validate_OffOrWithinADay_Succeeds(int seconds) =>
        Assert.True(new RunsOptionsValidator().Validate(null, new RunsOptions { AdoptionIntervalSeconds = seconds }).Succeeded);

    [Theory]
    [InlineData(-1)]
    [InlineData(RunsOptions.MaxAdoptionIntervalSeconds + 1)]
    public void Validate_NegativeOrOverADay_NamesTheKeyAndTheValue(int seconds)
    {
        var result = new RunsOptionsValidator().Validate(null, new RunsOptions { AdoptionIntervalSeconds = seconds });

        Assert.True(result.Failed);
        Assert.Equal(
            $"OneOff:Runs:AdoptionIntervalSeconds must be 0 (look for runs published outside the dashboard only at start and on demand) or from 1 to 86400 seconds (got {seconds}); leave it unset for 60.",
            Assert.Single(result.Failures!));
    }

    [Fact]
    public void Default_IsAMinute() => Assert.Equal(60, new RunsOptions().AdoptionIntervalSeconds);

    [Theory]
    [InlineData("-5", "OneOff:Runs:AdoptionIntervalSeconds must be 0")]
    [InlineData("soon", "'OneOff:Runs:AdoptionIntervalSeconds'")]
    [InlineData("1.5", "'OneOff:Runs:AdoptionIntervalSeconds'")]
    public async Task StartupProblem_BadValue_IsOneLineNamingTheKey(string value, string expected)
    {
        using var folder = new TempFolder();
        await using var app = Build(("OneOff:DataRoot", folder.Path), ("OneOff:Runs:AdoptionIntervalSeconds", value));

        var problem = DashboardHostingExtensions.StartupProblem(app.Services);

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem!);
    }

    [Fact]
    public async Task Bind_Zero_IsKeptAndTheAppStartsWithoutAProblem()
    {
        using var folder = new TempFolder();
        await using var app = Build(("OneOff:DataRoot", folder.Path), ("OneOff:Runs:AdoptionIntervalSeconds", "0"));

        Assert.Null(DashboardHostingExtensions.StartupProblem(app.Services));
        Assert.Equal(0, app.Services.GetRequiredService<IOptions<RunsOptions>>().Value.AdoptionIntervalSeconds);
    }

    private static WebApplication Build(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddOneOffDashboard();
        return builder.Build();
    }
}
