// Private to insight/: the statistics of an A/B test's report (docs/analytics.md, "A/B tests").
// Doubles here measure evidence, never money: amounts are summed as integers first.
#pragma once

#include <cstdint>

namespace tiercart::detail {

// Count, mean and sample variance of values, added one at a time (Welford's update, which
// stays exact enough where sum-of-squares loses digits).
class Sample {
 public:
  void add(double value);
  int64_t count() const { return count_; }
  double mean() const { return mean_; }
  double variance() const;  // with n - 1; 0 below two values

 private:
  int64_t count_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

// I_x(a, b), the regularized incomplete beta function (continued fraction).
double incomplete_beta(double a, double b, double x);
// P(T <= t) for Student's t with `df` degrees of freedom (df > 0, not necessarily whole).
double student_t_cdf(double t, double df);
// The t with P(T <= t) = p, 0 < p < 1.
double student_t_quantile(double p, double df);

// Welch's two-sample t-test of mean(a) - mean(b): the statistic, its degrees of freedom
// (Welch-Satterthwaite) and the two-sided p-value. Both samples need two values or more.
struct Welch {
  double t = 0;
  double df = 0;
  double p = 1;
};
Welch welch_test(const Sample& a, const Sample& b);

// The half-width of the two-sided 95% confidence interval of a sample's mean (t-based).
double mean_ci95_half_width(const Sample& sample);

}  // namespace tiercart::detail
