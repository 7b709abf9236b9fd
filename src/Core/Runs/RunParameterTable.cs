namespace OneOff.Core.Runs;

/// <summary>One row of the run parameter table: the same parameter as a CLI flag, a form field and a manifest key.</summary>
/// <param name="Key">The manifest key, e.g. <c>train_size</c>; also the form field's name.</param>
/// <param name="Flag">The CLI flag, e.g. <c>--train-size</c>.</param>
/// <param name="Label">The form label, or null when the parameter is not on the form.</param>
/// <param name="DefaultText">The default as a user would type it ("" when generated).</param>
/// <param name="ValidText">What a valid value is, in words, e.g. "an integer from 100 to 1000000".</param>
public sealed record RunParameter(string Key, string Flag, string? Label, string DefaultText, string ValidText)
{
    /// <summary>True when the dashboard's form shows this parameter.</summary>
    public bool OnForm => Label is not null;
}

/// <summary>The parameter table of ARCHITECTURE.md, shared by the CLI, the dashboard's form and the manifest.</summary>
public static class RunParameterTable
{
    public static readonly RunParameter TrainSize = new("train_size", "--train-size", "Train size", "15000", "an integer from 100 to 1000000");
    public static readonly RunParameter TestSize = new("test_size", "--test-size", "Test size", "5000", "an integer from 100 to 1000000");
    public static readonly RunParameter HiddenSizes = new("hidden_sizes", "--hidden", "Hidden sizes", "5,7,10,30,50,75,100,200,400,600", "1 to 20 distinct integers from 1 to 2000, comma-separated");
    public static readonly RunParameter DataSeed = new("data_seed", "--data-seed", "Data seed", "13", "an integer from 0 to 2147483647");
    public static readonly RunParameter ModelSeed = new("model_seed", "--model-seed", "Model seed", "51", "an integer from 0 to 2147483647");
    public static readonly RunParameter Jitter = new("jitter", "--jitter", "Jitter", "0.4", "a number from 0 to 5");
    public static readonly RunParameter MaxIter = new("max_iter", "--max-iter", "Max iterations", "100", "an integer from 1 to 10000");
    public static readonly RunParameter Tol = new("tol", "--tol", "Tolerance", "1e-6", "a number greater than 0 and less than 1");
    public static readonly RunParameter XHalfWidth = new("x_half_width", "--x-half-width", null, "0.5", "a number greater than 0 and less than the box half-width");
    public static readonly RunParameter Radius = new("radius", "--radius", null, "3.5", "a number greater than 0 and less than the box half-width");
    public static readonly RunParameter BoxHalfWidth = new("box_half_width", "--box-half-width", null, "7.1", "a number from 1 to 100");
    public static readonly RunParameter RunId = new("run_id", "--run-id", null, "", "1 to 64 characters of a-z, 0-9 and '-', starting with a letter or digit");

    /// <summary>Every parameter, in the table's order.</summary>
    public static IReadOnlyList<RunParameter> All { get; } =
        [TrainSize, TestSize, HiddenSizes, DataSeed, ModelSeed, Jitter, MaxIter, Tol, XHalfWidth, Radius, BoxHalfWidth, RunId];

    /// <summary>The parameters the dashboard's form shows.</summary>
    public static IReadOnlyList<RunParameter> Form { get; } = [.. All.Where(p => p.OnForm)];

    /// <summary>Finds a parameter by manifest key.</summary>
    public static RunParameter? ByKey(string key) => All.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.Ordinal));
}
