using TorchSharp;
using static TorchSharp.torch;

namespace Bottleneck.Applications.Pca;

/// <summary>
/// How close two k-dimensional subspaces of R^d are (GUIDE §4.1's test of the PCA equivalence): the cosines of their
/// principal angles, the overlap ‖Q_aᵀQ_b‖²_F / k (1 = the same subspace, 0 = orthogonal) and the projector distance
/// ‖P_a − P_b‖_F. Subspaces are given by spanning columns, which need not be orthonormal.
/// </summary>
internal sealed record SubspaceComparison(double[] Cosines, double Overlap, double ProjectorDistance)
{
    /// <summary>The principal angles in degrees, smallest first.</summary>
    public double[] AnglesDegrees => Cosines.Select(c => Math.Acos(Math.Clamp(c, -1, 1)) * 180 / Math.PI).ToArray();

    /// <summary>The largest principal angle, in degrees: 0 when the subspaces coincide.</summary>
    public double LargestAngleDegrees => AnglesDegrees.Max();

    /// <summary>Compares the column spaces of <paramref name="a"/> [d, k_a] and <paramref name="b"/> [d, k_b] (any float dtype).</summary>
    public static SubspaceComparison Compare(Tensor a, Tensor b)
    {
        if (a.dim() != 2 || b.dim() != 2 || a.shape[0] != b.shape[0])
            throw new ArgumentException($"subspaces must be given as [d, k] matrices of the same d, got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}]");
        using var scope = NewDisposeScope();
        var qa = Orthonormal(a);
        var qb = Orthonormal(b);
        // cos θ_i = σ_i(Q_aᵀ Q_b), the singular values in descending order, so the angles come smallest first.
        var cross = qa.T.matmul(qb);
        var cosines = linalg.svdvals(cross).clamp(0, 1).data<double>().ToArray();
        long k = Math.Max(a.shape[1], b.shape[1]);   // the nominal dimension: a lost direction lowers the overlap
        double squared = cross.square().sum().item<double>();
        // ‖P_a − P_b‖²_F = tr P_a + tr P_b − 2‖Q_aᵀQ_b‖²_F = k_a + k_b − 2Σcos²θ_i.
        double distance = Math.Sqrt(Math.Max(0, qa.shape[1] + qb.shape[1] - 2 * squared));
        return new SubspaceComparison(cosines, squared / k, distance);
    }

    /// <summary>
    /// An orthonormal basis of the column space: the left singular vectors whose singular values are not negligible, so a
    /// rank-deficient set of columns (a dead code unit) yields a smaller basis and a lower overlap instead of a false one.
    /// </summary>
    static Tensor Orthonormal(Tensor columns)
    {
        var (u, s, _) = linalg.svd(columns.to_type(ScalarType.Float64), fullMatrices: false);
        double largest = s.max().item<double>();
        if (largest == 0) throw new ArgumentException("a subspace was given by columns that are all zero");
        long rank = s.gt(1e-10 * largest).sum().item<long>();
        return u.narrow(1, 0, rank);
    }
}
