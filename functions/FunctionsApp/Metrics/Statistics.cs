namespace FunctionsApp.Metrics;

internal static class Statistics
{
    /// <summary>Pearson's r of paired samples; null when fewer than <paramref name="minimumPairs"/> or either side has no variance.</summary>
    public static double? Pearson(IReadOnlyList<(double X, double Y)> pairs, int minimumPairs)
    {
        if (pairs.Count < Math.Max(2, minimumPairs))
        {
            return null;
        }

        double meanX = 0, meanY = 0;
        foreach (var (x, y) in pairs)
        {
            meanX += x;
            meanY += y;
        }

        meanX /= pairs.Count;
        meanY /= pairs.Count;
        double sxy = 0, sxx = 0, syy = 0;
        foreach (var (x, y) in pairs)
        {
            var dx = x - meanX;
            var dy = y - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        // A flat series (all zeros, constant CPU) correlates with nothing; say so rather than return NaN.
        const double Epsilon = 1e-12;
        if (sxx < Epsilon || syy < Epsilon)
        {
            return null;
        }

        return Math.Clamp(sxy / Math.Sqrt(sxx * syy), -1.0, 1.0);
    }
}
