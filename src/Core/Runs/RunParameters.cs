using System.Collections.Immutable;

namespace OneOff.Core.Runs;

/// <summary>
/// Every parameter of an XO study run, with the defaults of ARCHITECTURE.md's parameter table.
/// Build one with <see cref="RunParameterParser"/> (which validates) rather than by hand.
/// </summary>
public sealed record RunParameters
{
    /// <summary>The hidden-layer sizes of the original study.</summary>
    public static readonly ImmutableArray<int> DefaultHiddenSizes = [5, 7, 10, 30, 50, 75, 100, 200, 400, 600];

    /// <summary>Training points (100 – 1 000 000; default 15 000).</summary>
    public int TrainSize { get; init; } = 15000;

    /// <summary>Held-out points (100 – 1 000 000; default 5 000).</summary>
    public int TestSize { get; init; } = 5000;

    /// <summary>Hidden-layer sizes to sweep (1–20 distinct values, each 1 – 2000).</summary>
    public ImmutableArray<int> HiddenSizes { get; init; } = DefaultHiddenSizes;

    /// <summary>Seed of the data generator (default 13).</summary>
    public int DataSeed { get; init; } = 13;

    /// <summary>Seed of the model initialisation (default 51).</summary>
    public int ModelSeed { get; init; } = 51;

    /// <summary>Standard deviation of the Gaussian jitter added to each coordinate (0 – 5; default 0.4).</summary>
    public double Jitter { get; init; } = 0.4;

    /// <summary>L-BFGS iteration cap (1 – 10 000; default 100).</summary>
    public int MaxIter { get; init; } = 100;

    /// <summary>Stop when the largest absolute gradient component is at most this (0 &lt; tol &lt; 1; default 1e-6).</summary>
    public double Tol { get; init; } = 1e-6;

    /// <summary>Half-width of the X's bars (default 0.5; below the box half-width).</summary>
    public double XHalfWidth { get; init; } = 0.5;

    /// <summary>Radius of the O (default 3.5; below the box half-width).</summary>
    public double Radius { get; init; } = 3.5;

    /// <summary>Half-width of the square the points are drawn from, before rotation (1 – 100; default 7.1).</summary>
    public double BoxHalfWidth { get; init; } = 7.1;

    /// <summary>The run id (1–64 of [a-z0-9-], starting with a letter or digit).</summary>
    public string RunId { get; init; } = "";

    /// <summary>Value equality that compares the hidden sizes by content.</summary>
    public bool Equals(RunParameters? other) =>
        other is not null
        && TrainSize == other.TrainSize && TestSize == other.TestSize
        && HiddenSizes.SequenceEqual(other.HiddenSizes)
        && DataSeed == other.DataSeed && ModelSeed == other.ModelSeed
        && Jitter.Equals(other.Jitter) && MaxIter == other.MaxIter && Tol.Equals(other.Tol)
        && XHalfWidth.Equals(other.XHalfWidth) && Radius.Equals(other.Radius)
        && BoxHalfWidth.Equals(other.BoxHalfWidth)
        && string.Equals(RunId, other.RunId, StringComparison.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(TrainSize, TestSize, HiddenSizes.Length, DataSeed, ModelSeed, RunId);
}
