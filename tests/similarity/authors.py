"""Independent solutions: what four students who did not copy might write.

Each author fills the released stubs' ``# YOUR CODE HERE`` regions (one body per region,
in order) of the functions listed; the other functions get the reference's bodies, as
for short code that every correct solution writes alike (``predict``, dropout, the
network's wiring). Every author's submission scores full marks (a test checks it).

The forms differ on purpose: the loop and the one-hot forms of the softmax loss, the
log-sum-exp form, a "naive" function written without loops (``dan``: correct, only not
what was asked), the computational graph and the closed form of the batch-norm backward
pass (``ben`` writes the closed form in both), layer norm through transposes or means.
"""

from __future__ import annotations

HW1 = {
    "ana": {
        "softmax.py": {
            "softmax_loss_naive": ["""
num_train = X.shape[0]
num_classes = W.shape[1]
for n in range(num_train):
    z = X[n].dot(W)
    z -= z.max()
    log_sum = np.log(np.exp(z).sum())
    p = np.exp(z - log_sum)
    loss += log_sum - z[y[n]]
    for c in range(num_classes):
        if c == y[n]:
            dW[:, c] += (p[c] - 1) * X[n]
        else:
            dW[:, c] += p[c] * X[n]
loss = loss / num_train + reg * np.sum(W ** 2)
dW = dW / num_train + 2 * reg * W
"""],
            "softmax_loss_vectorized": ["""
num_train = X.shape[0]
z = X.dot(W)
z -= z.max(axis=1, keepdims=True)
log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
loss = -log_p[np.arange(num_train), y].sum() / num_train + reg * np.sum(W ** 2)
p = np.exp(log_p)
onehot = np.zeros_like(p)
onehot[np.arange(num_train), y] = 1
dW = X.T.dot(p - onehot) / num_train + 2 * reg * W
"""],
            "SoftmaxClassifier.train": ["""
batch = rng.choice(N, size=batch_size, replace=True)
loss, grad = softmax_loss_vectorized(self.W, X[batch], y[batch], reg)
loss_history.append(loss)
self.W = self.W - learning_rate * grad
"""],
        },
        "gradient_descent.py": {
            "gradient_descent": ["""
x = np.asarray(x0, dtype=float).copy()
c, g = f(x)
path.append(x.copy())
costs.append(float(c))
hit_max = True
it = 0
while it < max_iters:
    new_x = x - learning_rate * g
    moved = np.linalg.norm(new_x - x)
    x = new_x
    c, g = f(x)
    path.append(x.copy())
    costs.append(float(c))
    it += 1
    if moved < tol:
        hit_max = False
        break
"""],
            "minibatch_sgd": ["""
rng = np.random.default_rng(seed)
for it in range(num_iters):
    idx = rng.choice(X.shape[0], size=batch_size, replace=True)
    value, grad = loss_and_grad(w, X[idx], y[idx])
    loss_history.append(float(value))
    w = w - learning_rate * grad
"""],
        },
    },
    "ben": {
        "softmax.py": {
            "softmax_loss_naive": ["""
N, C = X.shape[0], W.shape[1]
for i in range(N):
    s = np.zeros(C)
    for j in range(C):
        s[j] = np.dot(X[i], W[:, j])
    s = s - s.max()
    log_norm = np.log(np.sum(np.exp(s)))
    loss += log_norm - s[y[i]]
    for j in range(C):
        dW[:, j] += np.exp(s[j] - log_norm) * X[i]
    dW[:, y[i]] -= X[i]
loss = loss / N + reg * np.sum(W * W)
dW = dW / N + 2 * reg * W
"""],
            "softmax_loss_vectorized": ["""
N = X.shape[0]
scores = X @ W
scores -= np.max(scores, axis=1, keepdims=True)
log_norm = np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
probs = np.exp(scores - log_norm)
loss = np.mean(log_norm[:, 0] - scores[np.arange(N), y]) + reg * np.sum(W * W)
probs[np.arange(N), y] -= 1
dW = X.T @ probs / N + 2 * reg * W
"""],
        },
        "gradient_descent.py": {
            "gradient_descent": ["""
x = np.array(x0, dtype=np.float64)
value, gradient = f(x)
path.append(x.copy())
costs.append(float(value))
steps = 0
while True:
    if steps == max_iters:
        hit_max = True
        break
    previous = x
    x = previous - learning_rate * gradient
    value, gradient = f(x)
    path.append(x.copy())
    costs.append(float(value))
    steps += 1
    if np.linalg.norm(x - previous) < tol:
        break
"""],
        },
    },
    "cai": {
        "softmax.py": {
            "softmax_loss_naive": ["""
num_examples = X.shape[0]
num_classes = W.shape[1]
for n in range(num_examples):
    scores = X[n] @ W
    shift = scores.max()
    total = 0.0
    for c in range(num_classes):
        total += np.exp(scores[c] - shift)
    loss += np.log(total) + shift - scores[y[n]]
    for c in range(num_classes):
        prob = np.exp(scores[c] - shift) / total
        dW[:, c] += prob * X[n]
        if c == y[n]:
            dW[:, c] -= X[n]
loss /= num_examples
loss += reg * np.sum(W * W)
dW /= num_examples
dW += 2 * reg * W
"""],
            "softmax_loss_vectorized": ["""
n = X.shape[0]
a = X @ W
a = a - a.max(axis=1)[:, None]
lse = np.log(np.exp(a).sum(axis=1))
loss = (lse - a[np.arange(n), y]).mean() + reg * (W ** 2).sum()
g = np.exp(a - lse[:, None])
g[np.arange(n), y] -= 1.0
dW = X.T @ g / n + 2 * reg * W
"""],
            "SoftmaxClassifier.train": ["""
chosen = rng.choice(N, size=batch_size, replace=True)
batch_loss, batch_grad = softmax_loss_vectorized(self.W, X[chosen], y[chosen], reg)
loss_history.append(batch_loss)
self.W = self.W - learning_rate * batch_grad
"""],
        },
        "gradient_descent.py": {
            "gradient_descent": ["""
point = np.array(x0, dtype=float)
current_cost, current_grad = f(point)
path.append(point.copy())
costs.append(float(current_cost))
for iteration in range(max_iters):
    step = -learning_rate * current_grad
    point = point + step
    current_cost, current_grad = f(point)
    path.append(point.copy())
    costs.append(float(current_cost))
    if np.sqrt(np.sum(step ** 2)) < tol:
        break
else:
    hit_max = True
"""],
        },
    },
    "dan": {
        "softmax.py": {
            "softmax_loss_naive": ["""
rows = np.arange(X.shape[0])
logits = X @ W
logits = logits - np.max(logits, axis=1, keepdims=True)
expl = np.exp(logits)
total = np.sum(expl, axis=1, keepdims=True)
loss = np.sum(np.log(total[:, 0]) - logits[rows, y]) / X.shape[0] + reg * np.sum(W * W)
soft = expl / total
soft[rows, y] = soft[rows, y] - 1
dW = np.dot(X.T, soft) / X.shape[0] + 2 * reg * W
"""],
            "softmax_loss_vectorized": ["""
rows = np.arange(X.shape[0])
logits = X @ W
logits = logits - np.max(logits, axis=1, keepdims=True)
expl = np.exp(logits)
total = np.sum(expl, axis=1, keepdims=True)
loss = np.sum(np.log(total[:, 0]) - logits[rows, y]) / X.shape[0] + reg * np.sum(W * W)
soft = expl / total
soft[rows, y] = soft[rows, y] - 1
dW = np.dot(X.T, soft) / X.shape[0] + 2 * reg * W
"""],
        },
    },
}

HW4 = {
    "ana": {
        "normalization.py": {
            "batchnorm_forward": ["""
mean = x.mean(axis=0)
centered = x - mean
var = (centered ** 2).mean(axis=0)
std = np.sqrt(var + eps)
xhat = centered / std
out = xhat * gamma + beta
running_mean = running_mean * momentum + mean * (1 - momentum)
running_var = running_var * momentum + var * (1 - momentum)
""", """
out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
"""],
            "batchnorm_backward": ["""
x, xhat, mean, var = cache["x"], cache["xhat"], cache["mean"], cache["var"]
gamma, eps = cache["gamma"], cache["eps"]
m = x.shape[0]
dbeta = dout.sum(axis=0)
dgamma = (dout * xhat).sum(axis=0)
dxhat = dout * gamma
ivar = 1.0 / np.sqrt(var + eps)
xmu = x - mean
divar = (dxhat * xmu).sum(axis=0)
dxmu1 = dxhat * ivar
dsqrtvar = -divar / (var + eps)
dvar = 0.5 * dsqrtvar / np.sqrt(var + eps)
dsq = dvar * np.ones_like(dout) / m
dxmu2 = 2 * xmu * dsq
dx1 = dxmu1 + dxmu2
dmu = -dx1.sum(axis=0)
dx = dx1 + dmu * np.ones_like(dout) / m
"""],
            "batchnorm_backward_alt": ["""
xhat, gamma = cache["xhat"], cache["gamma"]
inv_std = 1.0 / np.sqrt(cache["var"] + cache["eps"])
m = dout.shape[0]
dbeta = dout.sum(axis=0)
dgamma = np.sum(xhat * dout, axis=0)
dx = (gamma * inv_std / m) * (m * dout - dbeta - xhat * dgamma)
"""],
            "layernorm_forward": ["""
mean = x.mean(axis=1)
var = x.var(axis=1)
xhat = (x - mean[:, np.newaxis]) / np.sqrt(var[:, np.newaxis] + eps)
out = xhat * gamma + beta
"""],
            "layernorm_backward": ["""
xhat, var, gamma, eps = cache["xhat"], cache["var"], cache["gamma"], cache["eps"]
d = dout.shape[1]
dbeta = dout.sum(axis=0)
dgamma = (dout * xhat).sum(axis=0)
g = (dout * gamma).T
xt = xhat.T
dx = ((d * g - g.sum(axis=0) - xt * (g * xt).sum(axis=0)) / (d * np.sqrt(var + eps))).T
"""],
        },
    },
    "ben": {
        "normalization.py": {
            "batchnorm_forward": ["""
N = x.shape[0]
mu = np.sum(x, axis=0) / N
xc = x - mu
var = np.sum(xc * xc, axis=0) / N
xhat = xc / np.sqrt(var + eps)
out = gamma * xhat + beta
mean = mu
running_mean = momentum * running_mean + (1.0 - momentum) * mu
running_var = momentum * running_var + (1.0 - momentum) * var
""", """
xhat = (x - running_mean) / np.sqrt(running_var + eps)
out = gamma * xhat + beta
"""],
            "batchnorm_backward": ["""
xhat, gamma = cache["xhat"], cache["gamma"]
std = np.sqrt(cache["var"] + cache["eps"])
dbeta = np.sum(dout, axis=0)
dgamma = np.sum(dout * xhat, axis=0)
dxhat = dout * gamma
dx = (dxhat - dxhat.mean(axis=0) - xhat * (dxhat * xhat).mean(axis=0)) / std
"""],
            "batchnorm_backward_alt": ["""
xhat = cache["xhat"]
N = xhat.shape[0]
inv = cache["gamma"] / np.sqrt(cache["var"] + cache["eps"]) / N
dbeta = dout.sum(axis=0)
dgamma = (xhat * dout).sum(axis=0)
dx = inv * (N * dout - dbeta - dgamma * xhat)
"""],
            "layernorm_forward": ["""
mu = np.mean(x, axis=1, keepdims=True)
xc = x - mu
v = np.mean(xc ** 2, axis=1, keepdims=True)
xhat = xc / np.sqrt(v + eps)
out = gamma * xhat + beta
mean, var = mu[:, 0], v[:, 0]
"""],
            "layernorm_backward": ["""
xhat = cache["xhat"]
std = np.sqrt(cache["var"] + cache["eps"])[:, None]
dbeta = np.sum(dout, axis=0)
dgamma = np.sum(dout * xhat, axis=0)
g = dout * cache["gamma"]
dx = (g - g.mean(axis=1, keepdims=True) - xhat * (g * xhat).mean(axis=1, keepdims=True)) / std
"""],
        },
    },
    "cai": {
        "normalization.py": {
            "batchnorm_forward": ["""
N, D = x.shape
mean = x.sum(axis=0) / N
diff = x - mean
var = (diff ** 2).sum(axis=0) / N
inv_std = 1 / np.sqrt(var + eps)
xhat = diff * inv_std
out = gamma * xhat + beta
running_mean = momentum * running_mean + (1 - momentum) * mean
running_var = momentum * running_var + (1 - momentum) * var
""", """
normalized = (x - running_mean) / np.sqrt(running_var + eps)
out = normalized * gamma + beta
"""],
            "batchnorm_backward": ["""
x, gamma, eps = cache["x"], cache["gamma"], cache["eps"]
N = x.shape[0]
mu = x.mean(axis=0)
diff = x - mu
sq = diff ** 2
v = sq.mean(axis=0)
s = np.sqrt(v + eps)
inv = 1 / s
xh = diff * inv
dbeta = dout.sum(axis=0)
dgamma = (dout * xh).sum(axis=0)
dxh = dout * gamma
d_inv = (dxh * diff).sum(axis=0)
d_diff = dxh * inv
d_s = d_inv * (-1 / s ** 2)
d_v = d_s / (2 * s)
d_sq = np.full_like(x, 1 / N) * d_v
d_diff = d_diff + 2 * diff * d_sq
d_mu = -d_diff.sum(axis=0)
dx = d_diff + d_mu / N
"""],
            "batchnorm_backward_alt": ["""
xhat, gamma, var, eps = cache["xhat"], cache["gamma"], cache["var"], cache["eps"]
N = dout.shape[0]
dgamma = np.einsum("nd,nd->d", dout, xhat)
dbeta = dout.sum(0)
dx = gamma / np.sqrt(var + eps) * (dout - dbeta / N - xhat * dgamma / N)
"""],
            "layernorm_forward": ["""
xt = x.T
mean = xt.mean(axis=0)
var = xt.var(axis=0)
xhat = ((xt - mean) / np.sqrt(var + eps)).T
out = gamma * xhat + beta
"""],
            "layernorm_backward": ["""
xhat, gamma, var, eps = cache["xhat"], cache["gamma"], cache["var"], cache["eps"]
D = dout.shape[1]
dgamma = np.einsum("nd,nd->d", dout, xhat)
dbeta = dout.sum(0)
g = dout * gamma
dx = (g - g.sum(1, keepdims=True) / D
      - xhat * (g * xhat).sum(1, keepdims=True) / D) / np.sqrt(var + eps)[:, None]
"""],
        },
    },
}

AUTHORS = {"hw1_softmax": HW1, "hw4_bn_dropout": HW4}

# code cells an author added to a notebook (appended after the last cell)
CELLS = {
    "hw1_softmax": {
        "ana": {"softmax.ipynb": ["""\
confusion = np.zeros((10, 10), dtype=int)
predicted = best_clf.predict(X_val)
for truth, guess in zip(y_val, predicted):
    confusion[truth, guess] += 1
worst = np.argsort(np.diag(confusion) / confusion.sum(axis=1))[:3]
print("hardest classes:", worst)
for k in worst:
    wrong = np.flatnonzero((y_val == k) & (predicted != k))
    print(k, "confused with", np.bincount(predicted[wrong], minlength=10).argmax())
"""]},
    },
}
