#!/usr/bin/env Rscript
# Golden values for the value-added scoring core (issue 6): seeded datasets and the results of
# R's lm and lme4::lmer (REML and ML, ranef with condVar) written to test/reference/value-added/.
#
#   Rscript tools/r/value-added-golden.R            (from the repository root)
#
# Numbers are written with 17 significant digits (sprintf "%.17g") so that the JSON holds the
# exact doubles R computed. The data are rounded to 1 or 2 decimals (like real marks), so the
# JSON text represents them exactly. lmer runs with a tight bobyqa tolerance (rhoend 1e-13) so
# that its variance components are converged; because any minimiser locates theta only to
# about sqrt(machine epsilon), theta is then polished by Newton steps on central differences of
# lme4's own deviance function (mkLmerDevfun / mkMerMod, lme4's modular interface) so that the
# golden values are accurate well below the 1e-6 test tolerance. The unpolished bobyqa theta
# and optimize()'s minimiser are recorded as cross-checks (theta_bobyqa,
# theta_optimize_crosscheck).
suppressPackageStartupMessages(library(lme4))

out_dir <- file.path("test", "reference", "value-added")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

num <- function(x) ifelse(is.na(x), "null", sprintf("%.17g", x))
to_json <- function(x, indent = "") {
  inner <- paste0(indent, "  ")
  if (is.list(x)) {
    keys <- names(x)
    items <- vapply(seq_along(x), function(i) {
      paste0(inner, '"', keys[i], '": ', to_json(x[[i]], inner))
    }, character(1))
    return(paste0("{\n", paste(items, collapse = ",\n"), "\n", indent, "}"))
  }
  if (is.character(x)) {
    body <- paste0('"', x, '"', collapse = ",")
    return(if (length(x) == 1 && is.null(attr(x, "array"))) body else paste0("[", body, "]"))
  }
  if (is.logical(x)) return(if (length(x) == 1) tolower(as.character(x)) else paste0("[", paste(tolower(as.character(x)), collapse = ","), "]"))
  body <- paste(num(x), collapse = ",")
  if (length(x) == 1 && is.null(attr(x, "array"))) body else paste0("[", body, "]")
}
as_array <- function(x) { attr(x, "array") <- TRUE; x }

source_text <- paste0(R.version.string, "; stats::lm (", "QR, LINPACK dqrdc2); lme4 ",
                      as.character(packageVersion("lme4")),
                      " lFormula + mkLmerDevfun + optimizeLmer(bobyqa, rhoend = 1e-13) with Newton polish of theta + mkMerMod (= lmer, REML = TRUE/FALSE, predictors centred, intercept mapped back), ",
                      "fixef, vcov, sigma, VarCorr, REMLcrit/deviance, ranef(condVar = TRUE) postVar; tools/r/value-added-golden.R")

fit_and_write <- function(name, description, data, predictors) {
  data$group <- factor(data$group, levels = unique(data$group))
  rhs <- paste(predictors, collapse = " + ")
  lm_fit <- lm(as.formula(paste("outcome ~", rhs)), data = data)
  lm_summary <- summary(lm_fit)
  ctrl <- lmerControl(optimizer = "bobyqa", optCtrl = list(rhoend = 1e-13, maxfun = 1e5),
                      check.conv.singular = "ignore")
  # lmer is fitted to predictors centred at their means (the same model, reparametrised) so that
  # lme4's log|X'V^-1 X| is not swamped by rounding on the near-singular data; the intercept
  # and its variance are mapped back with T = [[1, -xbar'], [0, I]].
  centred <- data
  means <- vapply(predictors, function(p) mean(data[[p]]), numeric(1))
  for (p in predictors) centred[[p]] <- data[[p]] - means[[p]]
  transform <- diag(length(predictors) + 1)
  transform[1, -1] <- -means
  mixed <- function(reml) {
    form <- as.formula(paste("outcome ~", rhs, "+ (1 | group)"))
    parsed <- lFormula(form, data = centred, REML = reml, control = ctrl)
    devfun <- do.call(mkLmerDevfun, parsed)
    opt <- optimizeLmer(devfun, optimizer = "bobyqa", control = list(rhoend = 1e-13, maxfun = 1e5))
    bobyqa_theta <- opt$par
    cross <- optimize(devfun, c(0, 10), tol = 1e-12)
    # A minimiser locates theta only to about sqrt(machine epsilon) (the deviance is flat at its
    # minimum), so polish with Newton steps on central differences of lme4's own deviance
    # function: f'(t) ~ (f(t+h) - f(t-h))/2h, f'' ~ (f(t+h) - 2f(t) + f(t-h))/h^2.
    theta <- opt$par
    for (h in c(1e-3, 1e-4, 1e-4) * theta) {
      up <- devfun(theta + h); mid <- devfun(theta); down <- devfun(theta - h)
      theta <- theta - ((up - down) / (2 * h)) / ((up - 2 * mid + down) / h^2)
    }
    opt$par <- theta
    opt$fval <- devfun(theta)
    fit <- mkMerMod(environment(devfun), opt, parsed$reTrms, fr = parsed$fr)
    re <- ranef(fit, condVar = TRUE)$group
    post_var <- attr(re, "postVar")[1, 1, ]
    levels_in_order <- rownames(re)
    vc <- as.data.frame(VarCorr(fit))
    list(
      theta = unname(getME(fit, "theta")),
      theta_bobyqa = bobyqa_theta,
      theta_optimize_crosscheck = cross$minimum,
      criterion = if (reml) unname(REMLcrit(fit)) else unname(deviance(fit)),
      sigma2 = unname(sigma(fit)^2),
      tau2 = vc$vcov[vc$grp == "group"],
      fixef_terms = as_array(names(fixef(fit))),
      fixef = as_array(unname(as.vector(transform %*% fixef(fit)))),
      fixef_se = as_array(unname(sqrt(diag(transform %*% as.matrix(vcov(fit)) %*% t(transform))))),
      ranef_groups = as_array(levels_in_order),
      ranef = as_array(unname(re[, 1])),
      ranef_post_sd = as_array(unname(sqrt(post_var)))
    )
  }
  result <- list(
    name = name,
    description = description,
    source = source_text,
    n = nrow(data),
    groups = nlevels(data$group),
    predictors = as_array(predictors),
    data = c(list(group = as_array(as.character(data$group)), outcome = as_array(data$outcome)),
             lapply(setNames(predictors, predictors), function(p) as_array(data[[p]]))),
    lm = list(
      terms = as_array(names(coef(lm_fit))),
      coefficients = as_array(unname(coef(lm_fit))),
      standard_errors = as_array(unname(lm_summary$coefficients[, 2])),
      sigma = lm_summary$sigma,
      r_squared = lm_summary$r.squared
    ),
    lmer_reml = mixed(TRUE),
    lmer_ml = mixed(FALSE)
  )
  writeLines(to_json(result), file.path(out_dir, paste0(name, ".json")))
  cat("wrote", name, "\n")
}

# 1. Covariates: 60 schools of 15–45 students, two priors, two binary covariates.
set.seed(20240601)
groups <- 60
sizes <- sample(15:45, groups, replace = TRUE)
school <- rep(sprintf("S%02d", seq_len(groups)), sizes)
effect <- rep(rnorm(groups, 0, 3), sizes)
n <- length(school)
prior1 <- round(rnorm(n, 100, 15), 1)
prior2 <- round(0.6 * prior1 + rnorm(n, 40, 10), 1)
female <- rbinom(n, 1, 0.5)
hardship <- rbinom(n, 1, 0.2)
outcome <- round(15 + 0.55 * prior1 + 0.25 * prior2 + 2 * female - 3 * hardship + effect + rnorm(n, 0, 8), 1)
fit_and_write("covariates", "60 schools of 15-45 students; outcome ~ prior1 + prior2 + female + hardship",
              data.frame(group = school, outcome, prior1, prior2, female, hardship),
              c("prior1", "prior2", "female", "hardship"))

# 2. Very unequal group sizes, including five schools with a single student.
set.seed(20240602)
sizes <- c(1, 1, 1, 1, 1, 2, 2, 3, 4, 5, 7, 9, 12, 15, 20, 30, 45, 60, 90, 150, 250, 400)
groups <- length(sizes)
school <- rep(sprintf("U%02d", seq_len(groups)), sizes)
effect <- rep(rnorm(groups, 0, 4), sizes)
n <- length(school)
prior1 <- round(rnorm(n, 500, 80), 0)
outcome <- round(120 + 0.7 * prior1 + effect + rnorm(n, 0, 25), 1)
order <- sample.int(n)  # shuffle rows so groups are interleaved
fit_and_write("unequal-groups", "22 schools with sizes 1 (five of them) to 400; outcome ~ prior1; rows shuffled",
              data.frame(group = school, outcome, prior1)[order, ],
              c("prior1"))

# 3. Near-singular: prior2 = prior1 + noise of SD 0.01 (correlation ≈ 1 − 2e-7, condition ≈ 1e3).
set.seed(20240603)
groups <- 30
sizes <- sample(20:40, groups, replace = TRUE)
school <- rep(sprintf("N%02d", seq_len(groups)), sizes)
effect <- rep(rnorm(groups, 0, 2), sizes)
n <- length(school)
prior1 <- round(rnorm(n, 70, 12), 2)
prior2 <- round(prior1 + rnorm(n, 0, 0.01), 2)
covariate <- round(rnorm(n, 0, 1), 2)
outcome <- round(10 + 0.5 * prior1 + 0.3 * prior2 + 1.5 * covariate + effect + rnorm(n, 0, 5), 2)
fit_and_write("near-singular", "30 schools; prior2 = prior1 + N(0, 0.01) rounded to 0.01, so the two priors are almost collinear",
              data.frame(group = school, outcome, prior1, prior2, covariate),
              c("prior1", "prior2", "covariate"))
