using OneOff.Jobs.Data;

namespace OneOff.Jobs.Training;

/// <summary>
/// Where each weight of a 2 → H → 3 MLP lives in the flat parameter vector θ (length 6H + 3):
/// W1 at [2h + c] (input c to hidden h), b1 at [2H + h], W2 at [3H + kH + h] (hidden h to output k), b2 at [6H + k].
/// </summary>
/// <param name="Hidden">The hidden-layer size H.</param>
public readonly record struct MlpLayout(int Hidden)
{
    /// <summary>Inputs (x, y).</summary>
    public const int Inputs = 2;

    /// <summary>Outputs (X, O, B).</summary>
    public const int Outputs = 3;

    /// <summary>Length of θ.</summary>
    public int Dimension => 6 * Hidden + Outputs;

    /// <summary>Index of W1[h, c].</summary>
    public int W1(int h, int c) => 2 * h + c;

    /// <summary>Index of b1[h].</summary>
    public int B1(int h) => 2 * Hidden + h;

    /// <summary>Index of W2[k, h].</summary>
    public int W2(int k, int h) => 3 * Hidden + k * Hidden + h;

    /// <summary>Index of b2[k].</summary>
    public int B2(int k) => 6 * Hidden + k;

    /// <summary>
    /// scikit-learn's initialisation for logistic units: every weight and bias of a layer uniform in
    /// ±sqrt(2 / (fan_in + fan_out)), drawn from the model seed (stream H, so each size is independent of the others).
    /// </summary>
    public double[] Initialise(int modelSeed)
    {
        var theta = new double[Dimension];
        var random = new Random(Seeds.Derive(modelSeed, Hidden));
        var bound1 = Math.Sqrt(2.0 / (Inputs + Hidden));
        var bound2 = Math.Sqrt(2.0 / (Hidden + Outputs));
        for (var i = 0; i < 3 * Hidden; i++)
        {
            theta[i] = (2 * random.NextDouble() - 1) * bound1;
        }

        for (var i = 3 * Hidden; i < Dimension; i++)
        {
            theta[i] = (2 * random.NextDouble() - 1) * bound2;
        }

        return theta;
    }
}
