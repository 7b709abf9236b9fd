using OneOff.Aws.Query;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Tests.Query;

public sealed class AthenaOptionsValidatorTests
{
    private static readonly AthenaOptionsValidator s_validator = new();

    [Fact]
    public void Validate_Defaults_Succeeds()
    {
        Assert.True(s_validator.Validate(null, new AthenaOptions()).Succeeded);
    }

    [Fact]
    public void Defaults_FollowTheDeploymentAndTheStore()
    {
        var options = new AthenaOptions();

        Assert.Equal("oneoff_team_a", options.DatabaseFor("team-a"));
        Assert.Equal("oneoff-team-a", options.WorkGroupFor("team-a"));
        Assert.Equal("s3://bucket/oneoff/athena-results/", options.OutputLocationFor(new S3Root("bucket", "oneoff/")));
        Assert.Equal("s3://bucket/athena-results/", options.OutputLocationFor(new S3Root("bucket", "")));
        Assert.Equal(60, options.ResultReuseMinutes);
        Assert.False(options.InlineValues);
    }

    [Fact]
    public void Set_Values_AreUsedAsGiven()
    {
        var options = new AthenaOptions { Database = "mydb", WorkGroup = "primary", OutputLocation = "s3://other/results" };

        Assert.Equal("mydb", options.DatabaseFor("team-a"));
        Assert.Equal("primary", options.WorkGroupFor("team-a"));
        Assert.Equal("s3://other/results/", options.OutputLocationFor(new S3Root("bucket", "oneoff/")));
    }

    [Theory]
    [InlineData("Database", "Oneoff-DB", "OneOff:Aws:Athena:Database", "a-z, 0-9 and '_'")]
    [InlineData("WorkGroup", "work group", "OneOff:Aws:Athena:WorkGroup", "OneOffAwsAthenaWorkGroup")]
    [InlineData("OutputLocation", "https://bucket/results/", "OneOff:Aws:Athena:OutputLocation", "s3://bucket/prefix/")]
    [InlineData("OutputLocation", "s3://bucket/oneoff/runs/results/", "OneOff:Aws:Athena:OutputLocation", "inside a runs/ folder")]
    [InlineData("ResultReuseMinutes", "-1", "OneOff:Aws:Athena:ResultReuseMinutes", "0 (reuse off) to 10080")]
    [InlineData("ResultReuseMinutes", "10081", "OneOff:Aws:Athena:ResultReuseMinutes", "0 (reuse off) to 10080")]
    [InlineData("QueryTimeoutSeconds", "0", "OneOff:Aws:Athena:QueryTimeoutSeconds", "5 to 1800")]
    [InlineData("QueryTimeoutSeconds", "3600", "OneOff:Aws:Athena:QueryTimeoutSeconds", "5 to 1800")]
    public void Validate_BadValue_FailsNamingTheKeyAndTheFix(string property, string value, string key, string fix)
    {
        var options = new AthenaOptions();
        var member = typeof(AthenaOptions).GetProperty(property)!;
        member.SetValue(options, member.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : value);

        var result = s_validator.Validate(null, options);

        Assert.True(result.Failed);
        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith(key, failure, StringComparison.Ordinal);
        Assert.Contains(fix, failure, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure);
        Assert.DoesNotContain("(Parameter", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10080)]
    public void Validate_ReuseAtItsBounds_Succeeds(int minutes)
    {
        Assert.True(s_validator.Validate(null, new AthenaOptions { ResultReuseMinutes = minutes }).Succeeded);
    }
}
