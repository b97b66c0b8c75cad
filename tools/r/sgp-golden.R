#!/usr/bin/env Rscript
# Golden values for student growth percentiles (issue 11), written to test/reference/growth/:
#
#   Rscript tools/r/sgp-golden.R            (from the repository root; about 5 minutes)
#
#  r-primitives.json  quantile(type = 7) and round(x, 3) on awkward inputs
#  bs-basis.json      splines::bs inside, on and beyond the boundary knots, splineDesign derivatives
#  rq-small.json      quantreg::rq.fit "br" and "fn" on a small design at several taus
#  sgp-data.csv       20,000 simulated students: current score and up to three priors (2 decimals)
#  sgp-golden.json    the SGP recipe of the SGP package (studentGrowthPercentiles defaults), computed
#                     here directly with quantreg::rq(method = "br") and splines::bs: knots,
#                     boundaries, LOSS/HOSS, coefficient matrices for orders 1..3
#  sgp-r.csv          per student: SGP of each order and the reported SGP (highest order)
#
# The recipe follows SGP's R/studentGrowthPercentiles.R (.create_coefficient_matrices,
# .get.percentile.predictions, .get.quantiles) and R/createKnotsBoundaries.R; see
# docs/growth.md. jsonlite writes at most 15 significant digits, so every input written to JSON
# is exact at 15 digits (data rounded to 2 decimals) and results are compared with tolerances.
suppressPackageStartupMessages({
  library(quantreg)
  library(splines)
  library(jsonlite)
})

out_dir <- file.path("test", "reference", "growth")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
source_note <- function(functions) {
  paste0(R.version.string, "; quantreg ", packageVersion("quantreg"), "; ", functions, "; tools/r/sgp-golden.R")
}
write_json_file <- function(x, name) {
  writeLines(toJSON(x, digits = I(17), auto_unbox = TRUE, pretty = FALSE, null = "null", na = "null"),
             file.path(out_dir, name))
}

## 1. R primitives ---------------------------------------------------------------------------
set.seed(20240611)
quantile_cases <- list(
  list(x = c(3, 1, 2), probs = c(0, 0.2, 0.4, 0.6, 0.8, 1)),
  list(x = c(5, 5, 5, 7), probs = c(0.2, 0.4, 0.6, 0.8)),
  list(x = round(rnorm(1001, 500, 50), 2), probs = c(0.2, 0.4, 0.6, 0.8)),
  list(x = round(runif(7, 0, 100)), probs = c(0.2, 0.4, 0.6, 0.8)),
  list(x = c(0.1, 0.7, 0.2, 0.3), probs = c(0.1, 0.5, 0.9))
)
quantile_cases <- lapply(quantile_cases, function(case) c(case, list(expected = unname(quantile(case$x, case$probs, type = 7)))))
# signif(, 15): the JSON holds 15 significant digits, so the inputs must be exactly what it says.
round_inputs <- c(0.0005, 0.0015, 0.0025, 1.0005, 2.675, 12.3455, -12.3455, 458.0245, 458.0255,
                  123.4565, 0.1234999, 99.9995, 1e-7, 5e10 + 0.0005,
                  round(runif(200, -1000, 1000), 4), round(runif(200, 0, 1000), 6), signif(runif(200, 0, 1000), 15))
write_json_file(list(
  source = source_note("stats::quantile(type = 7), base::round(x, 3), grDevices::extendrange"),
  quantile = quantile_cases,
  round3 = list(x = round_inputs, expected = round(round_inputs, 3)),
  round5 = list(x = round_inputs, expected = round(round_inputs, 5)),
  extendrange = list(x = quantile_cases[[3]]$x, expected = extendrange(quantile_cases[[3]]$x, f = 0.1))
), "r-primitives.json")

## 2. B-spline basis -------------------------------------------------------------------------
bs_cases <- list(
  list(knots = c(458.025, 486.73, 512.047, 542.033), boundaries = c(244.296, 731.079),
       x = c(244.296, 250, 300.5, 458.025, 460, 500, 512.047, 600, 700, 731.079,
             100, 200, 244.2, 731.1, 800, 1000)),
  list(knots = c(0.2, 0.4, 0.6, 0.8), boundaries = c(0, 1), x = c(-0.5, -0.01, 0, 0.1, 0.2, 0.55, 0.999, 1, 1.01, 2)),
  list(knots = c(10, 10, 20, 30), boundaries = c(0, 40), x = c(-5, 0, 5, 10, 15, 25, 40, 45))
)
bs_cases <- lapply(bs_cases, function(case) {
  basis <- suppressWarnings(bs(case$x, knots = case$knots, Boundary.knots = case$boundaries))
  c(case, list(expected = as.vector(t(unclass(basis)[, , drop = FALSE]))))  # row-major
})
aknots <- sort(c(rep(c(0, 1), 4), c(0.2, 0.4, 0.6, 0.8)))
derivative_x <- c(0.05, 0.3, 0.75, 0.95)
spline_design_derivatives <- lapply(0:3, function(d) list(
  derivative = d, x = derivative_x,
  expected = as.vector(t(splineDesign(aknots, derivative_x, 4, derivs = rep(d, length(derivative_x)))))
))
write_json_file(list(
  source = source_note("splines::bs(degree = 3, intercept = FALSE), splines::splineDesign"),
  columns = 7,
  bs = bs_cases,
  splineDesign = list(knots = aknots, order = 4, columns = 8, cases = spline_design_derivatives)
), "bs-basis.json")

## 3. Quantile regression on a small design -------------------------------------------------
set.seed(7)
n_small <- 400
x_small <- round(rnorm(n_small, 50, 10), 2)
y_small <- round(10 + 0.9 * x_small + rnorm(n_small, 0, 5) * (1 + abs(x_small - 50) / 20), 2)
knots_small <- round(quantile(x_small, c(0.2, 0.4, 0.6, 0.8), type = 7), 3)
bounds_small <- round(extendrange(x_small, f = 0.1), 3)
design_small <- cbind(1, bs(x_small, knots = knots_small, Boundary.knots = bounds_small))
taus_small <- c(0.005, 0.1, 0.25, 0.5, 0.73, 0.9, 0.995)
write_json_file(list(
  source = source_note("quantreg::rq.fit(method = \"br\") and rq.fit(method = \"fn\") on cbind(1, bs(x, knots, Boundary.knots))"),
  x = x_small, y = y_small, knots = unname(knots_small), boundaries = bounds_small, taus = taus_small,
  br = lapply(taus_small, function(tau) unname(rq.fit(design_small, y_small, tau = tau, method = "br")$coefficients)),
  fn = lapply(taus_small, function(tau) unname(rq.fit(design_small, y_small, tau = tau, method = "fn")$coefficients))
), "rq-small.json")

## 4. SGP on 20,000 students with up to three priors ----------------------------------------
set.seed(20250311)
n <- 20000
ability <- rnorm(n)
prior_3 <- 420 + 45 * ability + rnorm(n, 0, 20)
prior_2 <- 440 + 0.55 * prior_3 + 20 * ability + rnorm(n, 0, 22) - 0.5 * 420 * 0.55
prior_1 <- 470 + 0.5 * prior_2 + 0.25 * prior_3 + 15 * ability + rnorm(n, 0, 22) - 0.75 * 440
growth_noise <- rnorm(n, 0, 18) * (1 + 0.3 * tanh((prior_1 - 470) / 60)) + 6 * rt(n, df = 5)
current <- 25 + 0.62 * prior_1 + 0.22 * prior_2 + 0.12 * prior_3 + 0.0006 * (prior_1 - 470)^2 + 10 * ability + growth_noise
score <- function(v) round(v, 2)
prior_1 <- score(prior_1); prior_2 <- score(prior_2); prior_3 <- score(prior_3); current <- score(current)
# Missingness: 4% lack a current score, 3% lack the most recent prior, about 20% lack prior 2
# and 35% prior 3 (older records are missing more often), independently.
current[runif(n) < 0.04] <- NA
prior_1[runif(n) < 0.03] <- NA
prior_2[runif(n) < 0.20] <- NA
prior_3[runif(n) < 0.35] <- NA
students <- data.frame(student_id = sprintf("S%05d", seq_len(n)), score_now = current,
                       score_last = prior_1, score_before = prior_2, score_earliest = prior_3)
write.csv(students, file.path(out_dir, "sgp-data.csv"), row.names = FALSE, na = "", quote = FALSE)
students <- read.csv(file.path(out_dir, "sgp-data.csv"))  # fit on exactly what the CSV holds

taus <- (1:100 - 0.5) / 100
prior_columns <- c("score_last", "score_before", "score_earliest")
analysis <- students[!is.na(students$score_now), ]  # SGP step 1: rows with a current score
spline_of <- function(values) {
  values <- values[!is.na(values)]
  list(knots = unname(round(quantile(values, c(0.2, 0.4, 0.6, 0.8), type = 7), 3)),
       boundaries = round(extendrange(values, f = 0.1), 3),
       loss_hoss = round(range(values), 3))
}
splines_by_prior <- lapply(prior_columns, function(column) spline_of(analysis[[column]]))
current_spline <- spline_of(analysis$score_now)
design_for <- function(data, order) {
  columns <- lapply(seq_len(order), function(k) {
    sp <- splines_by_prior[[k]]
    bs(data[[prior_columns[k]]], knots = sp$knots, Boundary.knots = sp$boundaries)
  })
  cbind(1, do.call(cbind, columns))
}
orders <- list()
sgp_by_order <- matrix(NA_integer_, nrow(students), 3)
for (order in 1:3) {
  keep <- !is.na(analysis$score_now) & Reduce(`&`, lapply(prior_columns[seq_len(order)], function(col) !is.na(analysis[[col]])))
  fit_data <- analysis[keep, ]
  design <- design_for(fit_data, order)
  started <- proc.time()[["elapsed"]]
  coefficients <- sapply(taus, function(tau) rq.fit(design, fit_data$score_now, tau = tau, method = "br")$coefficients)
  br_seconds <- proc.time()[["elapsed"]] - started
  started <- proc.time()[["elapsed"]]
  coefficients_fn <- sapply(taus, function(tau) rq.fit(design, fit_data$score_now, tau = tau, method = "fn")$coefficients)
  fn_seconds <- proc.time()[["elapsed"]] - started
  # .get.percentile.predictions: X %*% B, sort each row (isotonize), round to 5 decimals.
  predictions <- design %*% coefficients
  predictions <- round(t(apply(predictions, 1, sort)), 5)
  # .get.quantiles: first FALSE of (pred < y, FALSE), minus 1; 0 -> 1 and 100 -> 99.
  sgp <- apply(cbind(predictions < fit_data$score_now, FALSE), 1, which.min) - 1L
  sgp[sgp == 0] <- 1L
  sgp[sgp == 100] <- 99L
  sgp_by_order[match(fit_data$student_id, students$student_id), order] <- as.integer(sgp)
  predictions_fn <- round(t(apply(design %*% coefficients_fn, 1, sort)), 5)
  sgp_fn <- pmin(pmax(apply(cbind(predictions_fn < fit_data$score_now, FALSE), 1, which.min) - 1L, 1L), 99L)
  orders[[order]] <- list(
    order = order, n = nrow(fit_data), rows = nrow(coefficients), taus = length(taus),
    coefficients = as.vector(coefficients),  # column-major: tau k at [k*rows, (k+1)*rows)
    coefficients_fn = as.vector(coefficients_fn),
    br_seconds = br_seconds, fn_seconds = fn_seconds,
    fn_vs_br_sgp_identical = mean(sgp_fn == sgp), fn_vs_br_sgp_max_difference = max(abs(sgp_fn - sgp))
  )
  cat(sprintf("order %d: n = %d, br %.1f s, fn %.1f s, fn/br identical %.4f\n", order, nrow(fit_data), br_seconds, fn_seconds, mean(sgp_fn == sgp)))
}
reported_order <- ifelse(!is.na(sgp_by_order[, 3]), 3L, ifelse(!is.na(sgp_by_order[, 2]), 2L, ifelse(!is.na(sgp_by_order[, 1]), 1L, NA_integer_)))
reported <- sgp_by_order[cbind(seq_len(nrow(students)), ifelse(is.na(reported_order), 1L, reported_order))]
write.csv(data.frame(student_id = students$student_id, sgp_order_1 = sgp_by_order[, 1], sgp_order_2 = sgp_by_order[, 2],
                     sgp_order_3 = sgp_by_order[, 3], sgp = reported, order = reported_order),
          file.path(out_dir, "sgp-r.csv"), row.names = FALSE, na = "", quote = FALSE)
write_json_file(list(
  source = source_note("SGP package recipe (studentGrowthPercentiles defaults: taus (1:100-0.5)/100, knots at type-7 quantiles 0.2/0.4/0.6/0.8 rounded to 3, boundaries extendrange(f = 0.1) rounded to 3, LOSS/HOSS = range) with splines::bs and quantreg::rq.fit(method = \"br\"); predictions sorted per row then round(, 5); SGP = #pred < y with 0 -> 1, 100 -> 99"),
  data = "sgp-data.csv",
  priors = prior_columns,
  current = "score_now",
  splines = splines_by_prior,
  current_spline = current_spline,
  orders = orders
), "sgp-golden.json")
