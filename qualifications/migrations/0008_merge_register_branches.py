# Joins the register's migrations made side by side: 利用停止 (0006_person_use_suspension),
# the kana order index (0007) and the 氏名・住所変更 work list (0006_resident_change_work_list).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('qualifications', '0006_person_use_suspension'),
        ('qualifications', '0007_person_kana_order_index'),
        ('qualifications', '0006_resident_change_work_list'),
    ]

    operations = [
    ]
