using Microsoft.Extensions.Logging.Abstractions;
using OneOff.Core.Compute;
using OneOff.Core.Runs;
using OneOff.Core.Storage;
using OneOff.Testing;

namespace OneOff.Core.Tests.Compute;

/// <summary>Tests that change this process's environment: they run alone, so no other test sees their variables.</summary>
[CollectionDefinition(nameof(ProcessEnvironmentCollection), DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection;

/// <summary>What environment a local job gets (<see cref="JobEnvironment"/>).</summary>
[Collection(nameof(ProcessEnvironmentCollection))]
public sealed class JobEnvironmentTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("TMPDIR")]
    [InlineData("LANG")]
    [InlineData("LC_ALL")]
    [InlineData("TZ")]
    [InlineData("DOTNET_ROOT")]
    [InlineData("DOTNET_HOST_PATH")]
    [InlineData("DOTNET_gcServer")]
    [InlineData("COMPlus_GCHeapHardLimit")]
    [InlineData("AWS_REGION")]
    [InlineData("AWS_ENDPOINT_URL_S3")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("AWS_PROFILE")]
    [InlineData("AWS_CONTAINER_CREDENTIALS_FULL_URI")]
    [InlineData("AWS_EC2_METADATA_DISABLED")]
    public void IsAllowed_WhatTheJobNeeds_True(string name) => Assert.True(JobEnvironment.IsAllowed(name));

    [Theory]
    [InlineData("OneOff__Admin__Password")]
    [InlineData("OneOff__Mode")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("ASPNETCORE_ENVIRONMENT")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("SECRET_X")]
    [InlineData("PATHX")]
    [InlineData("AWS_")]
    [InlineData("AWSSECRET")]
    public void IsAllowed_AnythingElse_False(string name) => Assert.False(JobEnvironment.IsAllowed(name));

    [Fact]
    public async Task StartAsync_SecretsInTheEnvironment_DoNotReachTheJob()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "the stand-in job is a shell script");
        var secret = "SECRET_X_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var dump = _folder["env.txt"];
        var script = _folder["env-job.sh"];
        await File.WriteAllTextAsync(script, $"""
            #!/bin/sh
            env > '{dump}'
            """.ReplaceLineEndings("\n"), TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var runner = new LocalJobRunner(new LocalJobRunnerOptions { JobPath = script }, new FolderObjectStore(_folder["store"]), NullLogger<LocalJobRunner>.Instance);

        string[] names = ["OneOff__Admin__Password", "ASPNETCORE_URLS", secret, "AWS_REGION"];
        var saved = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("OneOff__Admin__Password", "Hunter-2-2026");
            Environment.SetEnvironmentVariable("ASPNETCORE_URLS", "http://127.0.0.1:5999");
            Environment.SetEnvironmentVariable(secret, "do-not-pass");
            Environment.SetEnvironmentVariable("AWS_REGION", "eu-west-3");

            await using var execution = await runner.StartAsync(new JobRequest(new RunParameters { RunId = "env1" }), TestContext.Current.CancellationToken);
            var exit = await execution.Completion.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            Assert.Equal(0, exit.ExitCode);
        }
        finally
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        var seen = (await File.ReadAllLinesAsync(dump, TestContext.Current.CancellationToken))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .Select(l => (Name: l[..l.IndexOf('=', StringComparison.Ordinal)], Value: l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]))
            .ToList();
        var text = string.Join('\n', seen.Select(v => $"{v.Name}={v.Value}"));
        Assert.DoesNotContain(seen, v => v.Name is "OneOff__Admin__Password" or "ASPNETCORE_URLS" || v.Name == secret);
        Assert.DoesNotContain("Hunter-2-2026", text, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-pass", text, StringComparison.Ordinal);
        Assert.Contains(seen, v => v.Name == "PATH" && v.Value.Length > 0);
        Assert.Contains(("AWS_REGION", "eu-west-3"), seen);
    }
}
