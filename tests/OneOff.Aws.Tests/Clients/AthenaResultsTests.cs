using System.Text.Json;
using OneOff.Aws.Clients.Athena;
using OneOff.Aws.Clients.Emr.Models;
using OneOff.Aws.Tests.Infrastructure;

namespace OneOff.Aws.Tests.Clients;

/// <summary>Paging helpers of the clients, against the capture server.</summary>
public sealed class AthenaResultsTests : IAsyncLifetime
{
    private readonly CaptureServer _server = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task GetAllQueryResults_DmlPages_DropsHeaderOnFirstPageOnlyAndKeepsNulls()
    {
        _server.AnswerInOrder(
        [
            CannedResponse.Json(Page("""[["run_id","n"],["r1","1"],["n","2"]]""", "t1")),
            CannedResponse.Json(Page("""[["run_id","n"],["r3",null]]""", "t2")),
            CannedResponse.Json(Page("""[["r4","4"]]""", null)),
        ]);
        using var athena = ClientFactory.Athena(_server.Endpoint);

        var results = await athena.GetAllQueryResultsAsync("q-1", AthenaStatementType.Dml, pageSize: 3, Ct);

        Assert.Equal(["run_id", "n"], results.Columns.Select(c => c.Name));
        Assert.Equal([["r1", "1"], ["n", "2"], ["run_id", "n"], ["r3", null], ["r4", "4"]], results.Rows.Select(r => r.ToArray()));
        var requests = _server.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.Equal(3, requests.Count);
        Assert.False(requests[0].TryGetProperty("NextToken", out _));
        Assert.Equal("t1", requests[1].GetProperty("NextToken").GetString());
        Assert.Equal("t2", requests[2].GetProperty("NextToken").GetString());
        Assert.All(requests, r => Assert.Equal(3, r.GetProperty("MaxResults").GetInt32()));
    }

    [Theory]
    [InlineData("DDL")]
    [InlineData("UTILITY")]
    public async Task GetAllQueryResults_NotDml_KeepsRowZero(string statementType)
    {
        _server.Responder = _ => CannedResponse.Json(Page("""[["run_id","n"]]""", null));
        using var athena = ClientFactory.Athena(_server.Endpoint);

        var results = await athena.GetAllQueryResultsAsync("q-1", statementType, cancellationToken: Ct);

        Assert.Single(results.Rows);
    }

    [Fact]
    public async Task GetAllQueryResults_DmlFirstRowIsData_KeepsIt()
    {
        _server.Responder = _ => CannedResponse.Json(Page("""[["r1","1"]]""", null));
        using var athena = ClientFactory.Athena(_server.Endpoint);

        var results = await athena.GetAllQueryResultsAsync("q-1", AthenaStatementType.Dml, cancellationToken: Ct);

        Assert.Equal([["r1", "1"]], results.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task ListAllSteps_TwoPages_FollowsTheMarker()
    {
        _server.AnswerInOrder(
        [
            CannedResponse.Json("""{"Steps":[{"Id":"s-3"},{"Id":"s-2"}],"Marker":"m1"}"""),
            CannedResponse.Json("""{"Steps":[{"Id":"s-1"}]}"""),
        ]);
        using var emr = ClientFactory.Emr(_server.Endpoint);

        var steps = await emr.ListAllStepsAsync(new ListStepsRequest { ClusterId = "j-1", StepStates = ["FAILED"] }, Ct).ToListAsync(Ct);

        Assert.Equal(["s-3", "s-2", "s-1"], steps.Select(s => s.Id));
        Assert.Equal("""{"ClusterId":"j-1","StepStates":["FAILED"],"Marker":"m1"}""", _server.Requests[1].BodyText);
    }

    private static string Page(string rows, string? next)
    {
        var data = JsonSerializer.Deserialize<string?[][]>(rows)!;
        var body = new
        {
            ResultSet = new
            {
                Rows = data.Select(r => new { Data = r.Select(v => v is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["VarCharValue"] = v }) }),
                ResultSetMetadata = new { ColumnInfo = new[] { new { Name = "run_id", Type = "varchar" }, new { Name = "n", Type = "integer" } } },
            },
            NextToken = next,
        };
        return JsonSerializer.Serialize(body);
    }
}
