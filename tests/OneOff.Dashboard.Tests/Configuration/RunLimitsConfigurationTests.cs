using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OneOff.Dashboard.Configuration;
using OneOff.Testing;

namespace OneOff.Dashboard.Tests.Configuration;

/// <summary><c>OneOff:Runs:{MaxWork, MaxQueued, MaxQueuedPerUser, DiskBudgetBytes}</c>: defaults, binding and validation.</summary>
public sealed class RunLimitsConfigurationTests
{
    [Fact]
    public void Defaults_AreTheDocumentedLimits()
    {
        var options = new RunsOptions();

        Assert.Equal(300_000_000_000, options.MaxWork);
        Assert.Equal(20, options.MaxQueued);
        Assert.Equal(3, options.MaxQueuedPerUser);
        Assert.Equal(10_000_000_000, options.DiskBudgetBytes);
    }

    [Theory]
    [InlineData("MaxWork", "OneOff:Runs:MaxWork must be 0 (no limit) or a positive number of work units (got -1); leave it unset for the default.")]
    [InlineData("MaxQueued", "OneOff:Runs:MaxQueued must be 0 (no limit) or a positive number of runs (got -1); leave it unset for the default.")]
    [InlineData("MaxQueuedPerUser", "OneOff:Runs:MaxQueuedPerUser must be 0 (no limit) or a positive number of runs (got -1); leave it unset for the default.")]
    [InlineData("DiskBudgetBytes", "OneOff:Runs:DiskBudgetBytes must be 0 (no limit) or a positive number of bytes (got -1); leave it unset for the default.")]
    public void Validate_NegativeLimit_NamesTheKey(string key, string message)
    {
        var result = new RunsOptionsValidator().Validate(null, Bind(new() { [$"OneOff:Runs:{key}"] = "-1" }));

        Assert.True(result.Failed);
        Assert.Equal(message, Assert.Single(result.Failures!));
    }

    [Fact]
    public void Validate_ZeroLimits_MeanNoLimitAndAreAccepted()
    {
        var options = Bind(new()
        {
            ["OneOff:Runs:MaxWork"] = "0",
            ["OneOff:Runs:MaxQueued"] = "0",
            ["OneOff:Runs:MaxQueuedPerUser"] = "0",
            ["OneOff:Runs:DiskBudgetBytes"] = "0",
        });

        Assert.True(new RunsOptionsValidator().Validate(null, options).Succeeded);
        Assert.Equal(0, options.MaxWork + options.MaxQueued + options.MaxQueuedPerUser + options.DiskBudgetBytes);
    }

    [Fact]
    public void Bind_LargeValues_FitTheirTypes()
    {
        var options = Bind(new() { ["OneOff:Runs:MaxWork"] = "500000000000000", ["OneOff:Runs:DiskBudgetBytes"] = "2000000000000" });

        Assert.Equal(500_000_000_000_000, options.MaxWork);
        Assert.Equal(2_000_000_000_000, options.DiskBudgetBytes);
    }

    [Theory]
    [InlineData("MaxQueuedPerUser", "-3", "OneOff:Runs:MaxQueuedPerUser must be 0 (no limit) or a positive number of runs (got -3); leave it unset for the default.")]
    [InlineData("MaxWork", "", "Failed to convert configuration value '' at 'OneOff:Runs:MaxWork' to type 'System.Int64'. Fix that value (or remove it for the default).")]
    public async Task Start_NegativeOrEmptyLimit_StopsWithOneLineNamingTheKey(string key, string value, string message)
    {
        using var folder = new TempFolder();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OneOff.Dashboard.dll"));
        start.Environment[$"OneOff__Runs__{key}"] = value;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, process.ExitCode);
        Assert.Equal(message, Assert.Single(lines));
        Assert.DoesNotContain("Exception", await stdout, StringComparison.Ordinal);
    }

    private static RunsOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddOptions<RunsOptions>().BindConfiguration(RunsOptions.SectionName);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<RunsOptions>>().Value;
    }
}
