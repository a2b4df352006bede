# $title

This folder is the whole assignment: the notebooks, the `.py` files you complete, and the
course library (`$wheel`, imported as `utils`). Keep the files together in this folder.

| file | what it is |
|---|---|
$file_rows
| `$wheel` | the course library (`import utils`): checks, data, training loop, plots, export |
| `requirements.txt`, `environment-student.yml` | what to install on a laptop (pip or conda) |

Pick one place to work: a laptop, Google Colab or your course's JupyterHub.

## On a laptop (Windows, macOS, Linux)

You need Python 3.11 to 3.14 ([python.org](https://www.python.org/downloads/)) or conda.
Open a terminal **in this folder** and create an environment once, beside the folder (so
that the next assignments, unzipped next to this one, use it too):

    python -m venv ../nndl-env
    source ../nndl-env/bin/activate          # Windows: ..\nndl-env\Scripts\activate
    pip install -r requirements.txt
    jupyter lab

With conda instead: `conda env create -f environment-student.yml`, then
`conda activate nndl-course` and `jupyter lab`. Next time, activate the environment and
run `jupyter lab` again. For a later assignment, run `pip install -r requirements.txt` in
its folder with the same environment active: it updates the course library.

Do not `pip install utils`: that is an unrelated project. The course library is the
`.whl` file in this folder.

## On Google Colab

1. Unzip `$hw.zip` and upload the folder `$hw` to your Google Drive (anywhere in My
   Drive, at most four folders deep).
2. In Drive, open a notebook of the folder with **Open with > Google Colaboratory**.
3. Run the first cell, *Set-up*, and allow access to your Drive when asked. It finds the
   folder, works inside it and installs the course library there, then says in one line
   what it did. Run it again whenever Colab starts a new runtime.
$colab_links
Your edits are saved to the notebook and `.py` files in your Drive folder. Edit the `.py`
files in Colab's file browser (left bar, folder icon, `drive/MyDrive/...`) or on your laptop.

## On your course's JupyterHub

The hub already has the course library. Fetch the assignment in the **Assignments** tab
(or `nbgrader fetch_assignment $hw` in a terminal) and work in the folder it creates;
you do not need this bundle there. Submit with the tab's **Submit** button if your course
collects work through the hub, and to Gradescope as below if it asks for a PDF.

## Working on the assignment

- Write your code in the `.py` files, where it says `# YOUR CODE HERE`. The notebooks
  import them (reloaded automatically), run public checks, draw plots and hold your
  written answers.
- Public checks print what they measured and what was expected; a function you have not
  written yet says "NOT IMPLEMENTED YET".
- The first cell of each notebook checks that `import utils` finds the course library.
  If it says a `utils.py` of yours hides it, rename your file.

## Submitting to Gradescope

1. In every notebook: **Kernel > Restart Kernel and Run All Cells**, check there are no
   errors, and **save**.
2. In a terminal in this folder (with the environment active):

       nndl-submit

   or `python -m utils.submit`. On Colab, run `!nndl-submit` in a notebook cell after the
   set-up cell (the first export installs a browser for printing, about a minute).
3. Upload `${hw}_submission.pdf` to the PDF assignment and `${hw}_code.zip` to the code
   assignment on Gradescope.

The export checks the saved files first and refuses, with the fix, when a notebook was
not run top to bottom, has an error or has math that does not render. It prints with
Chrome, Chromium or Edge; if none is installed it says what to install.
