// The A/B report's statistics (statistics.h): Student's t through the regularized incomplete
// beta function, evaluated by its continued fraction (modified Lentz), and Welch's test.

#include "insight/statistics.h"

#include <cmath>

namespace tiercart::detail {

namespace {

constexpr int kMaxTerms = 300;
constexpr double kEpsilon = 1e-15;
constexpr double kTiny = 1e-300;

// The continued fraction of I_x(a, b), valid (fast) for x < (a + 1) / (a + b + 2).
double beta_fraction(double a, double b, double x) {
  double c = 1.0;
  double d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double result = d;
  for (int m = 1; m <= kMaxTerms; ++m) {
    // The even step, then the odd one, of the fraction's terms.
    const double even = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
    d = 1.0 + even * d;
    c = 1.0 + even / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    result *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
    d = 1.0 + odd * d;
    c = 1.0 + odd / c;
    if (std::fabs(d) < kTiny) d = kTiny;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double step = d * c;
    result *= step;
    if (std::fabs(step - 1.0) < kEpsilon) break;
  }
  return result;
}

}  // namespace

void Sample::add(double value) {
  ++count_;
  const double delta = value - mean_;
  mean_ += delta / static_cast<double>(count_);
  m2_ += delta * (value - mean_);
}

double Sample::variance() const { return count_ < 2 ? 0.0 : m2_ / static_cast<double>(count_ - 1); }

double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // x^a (1-x)^b / (a B(a, b)), through logarithms of the gamma function.
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_fraction(a, b, x) / a;
  // The symmetry I_x(a, b) = 1 - I_{1-x}(b, a) keeps the fraction in its fast range.
  return 1.0 - front * beta_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double df) {
  const double x = df / (df + t * t);
  const double tail = 0.5 * incomplete_beta(df / 2.0, 0.5, x);  // P(T > |t|)
  return t >= 0 ? 1.0 - tail : tail;
}

double student_t_quantile(double p, double df) {
  double low = -1e6, high = 1e6;
  for (int i = 0; i < 200; ++i) {
    const double middle = (low + high) / 2;
    if (student_t_cdf(middle, df) < p) {
      low = middle;
    } else {
      high = middle;
    }
  }
  return (low + high) / 2;
}

Welch welch_test(const Sample& a, const Sample& b) {
  Welch result;
  if (a.count() < 2 || b.count() < 2) return result;
  const double va = a.variance() / static_cast<double>(a.count());
  const double vb = b.variance() / static_cast<double>(b.count());
  const double se2 = va + vb;
  if (se2 <= 0) {
    result.p = a.mean() == b.mean() ? 1.0 : 0.0;
    return result;
  }
  result.t = (a.mean() - b.mean()) / std::sqrt(se2);
  result.df =
      se2 * se2 /
      (va * va / static_cast<double>(a.count() - 1) + vb * vb / static_cast<double>(b.count() - 1));
  result.p = 2.0 * (1.0 - student_t_cdf(std::fabs(result.t), result.df));
  return result;
}

double mean_ci95_half_width(const Sample& sample) {
  if (sample.count() < 2) return 0;
  const double df = static_cast<double>(sample.count() - 1);
  return student_t_quantile(0.975, df) * std::sqrt(sample.variance() / sample.count());
}

}  // namespace tiercart::detail
