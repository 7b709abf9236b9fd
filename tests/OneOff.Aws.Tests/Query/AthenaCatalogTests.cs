using OneOff.Aws.Query;
using OneOff.Aws.Storage;

namespace OneOff.Aws.Tests.Query;

public sealed class AthenaCatalogTests
{
    private static readonly S3Root s_root = new("bucket", "oneoff/");

    private static AthenaTable Table(string name) => AthenaCatalog.Tables.Single(t => t.Name == name);

    [Fact]
    public void CreateTableSql_Grid_IsAnExternalParquetTableWithBothInjectedProjectionColumns()
    {
        var sql = AthenaCatalog.CreateTableSql("oneoff_default", Table("grid"), s_root);

        Assert.StartsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `oneoff_default`.`grid` (", sql, StringComparison.Ordinal);
        Assert.Contains("`x` double,\n  `y` double,\n  `class_pred` string,\n  `p_x` double,\n  `p_o` double,\n  `p_b` double\n)", sql, StringComparison.Ordinal);
        Assert.Contains("PARTITIONED BY (`run_id` string, `n_hidden` int)", sql, StringComparison.Ordinal);
        Assert.Contains("STORED AS PARQUET", sql, StringComparison.Ordinal);
        Assert.Contains("LOCATION 's3://bucket/oneoff/runs/'", sql, StringComparison.Ordinal);
        Assert.Contains("'projection.enabled' = 'true'", sql, StringComparison.Ordinal);
        Assert.Contains("'projection.run_id.type' = 'injected'", sql, StringComparison.Ordinal);
        Assert.Contains("'projection.n_hidden.type' = 'injected'", sql, StringComparison.Ordinal);
        Assert.Contains("'storage.location.template' = 's3://bucket/oneoff/runs/${run_id}/grid/n_hidden=${n_hidden}/'", sql, StringComparison.Ordinal);
        Assert.Contains($"'oneoff.schema_version' = '{AthenaCatalog.VersionOf("oneoff_default", Table("grid"), s_root)}'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("projection.n_hidden.range", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTableSql_Train_IsPartitionedByRunIdOnly()
    {
        var sql = AthenaCatalog.CreateTableSql("db", Table("train"), s_root);

        Assert.Contains("`id` bigint,\n  `ran_num` double,\n  `class` string,", sql, StringComparison.Ordinal);
        Assert.Contains("PARTITIONED BY (`run_id` string)", sql, StringComparison.Ordinal);
        Assert.Contains("'storage.location.template' = 's3://bucket/oneoff/runs/${run_id}/train/'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("n_hidden", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateTableSql_Metrics_HasTheJobsColumnsWithTheirTypes()
    {
        var sql = AthenaCatalog.CreateTableSql("db", Table("metrics"), s_root);

        Assert.Contains("`iterations` int,", sql, StringComparison.Ordinal);
        Assert.Contains("`stop_reason` string\n)", sql, StringComparison.Ordinal);
        Assert.Contains("runs/${run_id}/metrics/n_hidden=${n_hidden}/'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Tables_AreTheFiveLogicalTablesWithTheCatalogsPartitioning()
    {
        Assert.Equal(["train", "test", "grid", "metrics", "loss"], AthenaCatalog.Tables.Select(t => t.Name));
        Assert.All(AthenaCatalog.Tables, t => Assert.Equal(Core.Query.QueryCatalog.PartitionedTables.Contains(t.Name), t.Partitioned));
    }

    [Fact]
    public void VersionOf_ChangesWithTheLocationAndNotOtherwise()
    {
        var grid = Table("grid");

        Assert.Equal(AthenaCatalog.VersionOf("db", grid, s_root), AthenaCatalog.VersionOf("db", grid, new S3Root("bucket", "oneoff/")));
        Assert.NotEqual(AthenaCatalog.VersionOf("db", grid, s_root), AthenaCatalog.VersionOf("db", grid, new S3Root("bucket", "other/")));
        Assert.NotEqual(AthenaCatalog.VersionOf("db", grid, s_root), AthenaCatalog.VersionOf("db", Table("loss"), s_root));
        Assert.StartsWith($"{AthenaCatalog.SchemaRevision}.", AthenaCatalog.VersionOf("db", grid, s_root), StringComparison.Ordinal);
    }

    [Fact]
    public void OtherStatements_NameTheDatabaseAndTable()
    {
        Assert.Equal("CREATE DATABASE IF NOT EXISTS `db`", AthenaCatalog.CreateDatabaseSql("db"));
        Assert.Equal("SHOW TABLES IN `db`", AthenaCatalog.ShowTablesSql("db"));
        Assert.Equal("SHOW TBLPROPERTIES `db`.`loss` ('oneoff.schema_version')", AthenaCatalog.ShowVersionSql("db", Table("loss")));
        Assert.Equal("DROP TABLE IF EXISTS `db`.`loss`", AthenaCatalog.DropTableSql("db", Table("loss")));
    }
}
