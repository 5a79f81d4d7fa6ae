"""`make lint` refuses a `{# … #}` comment spread over lines: Django shows it on the page."""

from django.template import Context, Template

from kokumin_nenkin.template_lint import PROJECT_ROOT, main, unclosed_comments

MULTI_LINE = "<p>氏名</p>\n{# 担当者向けのメモ:\n   画面には出さない #}\n<p>住所</p>\n"


def test_django_shows_a_multi_line_comment_as_text():
    assert "担当者向けのメモ" in Template(MULTI_LINE).render(Context())


def test_the_check_names_file_and_line_of_a_multi_line_comment(tmp_path, capsys):
    folder = tmp_path / "someapp" / "templates" / "someapp"
    folder.mkdir(parents=True)
    (folder / "ok.html").write_text("{# 一行のコメント #}<p>氏名</p>\n", encoding="utf-8")
    (folder / "person.html").write_text(MULTI_LINE, encoding="utf-8")

    assert main([str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "person.html:2:" in out
    assert "ok.html" not in out


def test_comment_and_verbatim_blocks_and_one_line_comments_pass():
    source = (
        "{# 一行 #}<p>{{ name }}</p>\n"
        "{% comment %}\n{# 旧版:\n{% endcomment %}\n"
        "{% verbatim %}{# そのまま表示{% endverbatim %}\n"
    )
    assert list(unclosed_comments(source)) == []
    assert list(unclosed_comments("{% verbatim %}{% endverbatim %}\n{# a\n#}")) == [2]


def test_every_template_of_the_project_passes(capsys):
    assert main([str(PROJECT_ROOT)]) == 0, capsys.readouterr().out
